package classifier

import (
	"sort"
	"strings"
	"sync"
	"unicode"

	"github.com/pemistahl/lingua-go"
)

// sampleRunes bounds the text looked at to identify the language;
// linguaSample bounds what lingua sees when the stopwords cannot decide.
const (
	sampleRunes  = 600
	linguaSample = 240
)

// langID identifies languages: by script first, then by word markers
// (Nepali vs Hindi, Urdu vs Persian vs Arabic, Arabizi, Roman Urdu), and
// lingua-go only among the Latin-script languages we cover, in low
// accuracy mode (trigram models only, loaded on first use).
type langID struct {
	useModel bool
	once     sync.Once
	det      lingua.LanguageDetector
}

func newLangID(useModel bool) *langID { return &langID{useModel: useModel} }

var linguaCodes = map[lingua.Language]string{
	lingua.English: "en", lingua.French: "fr", lingua.Indonesian: "id",
	lingua.Malay: "ms", lingua.Swahili: "sw", lingua.Tagalog: "tl",
}

func (l *langID) detector() lingua.LanguageDetector {
	l.once.Do(func() {
		langs := make([]lingua.Language, 0, len(linguaCodes))
		for k := range linguaCodes {
			langs = append(langs, k)
		}
		l.det = lingua.NewLanguageDetectorBuilder().FromLanguages(langs...).WithLowAccuracyMode().Build()
	})
	return l.det
}

// scriptSample holds the letters of a text grouped by script.
type scriptSample struct {
	counts  [len(scriptNames)]int // letters per script, by scriptNames index
	scripts int                   // scripts with at least one letter
	latin   strings.Builder       // the Latin letters, other scripts blanked
	text    string                // the sampled prefix of the text
	total   int
}

// scriptNames are the scripts told apart, in scriptOf's order.
var scriptNames = [...]string{"latin", "arabic", "devanagari", "bengali", "sinhala", "ethiopic", "tamil", "cyrillic", "gurmukhi", "thai", "han", "other"}

func sample(text string) *scriptSample {
	s := &scriptSample{}
	s.latin.Grow(min(len(text), 2*sampleRunes)) // one allocation, not a doubling series
	n, end := 0, len(text)
	for i, r := range text {
		if n >= sampleRunes {
			end = i
			break
		}
		n++
		if r < 0x80 { // ASCII, most of most ads: no table lookups
			switch {
			case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z':
				if s.counts[0] == 0 {
					s.scripts++
				}
				s.counts[0]++
				s.total++
				s.latin.WriteByte(byte(r))
			case r == ' ' || r == '\n' || '0' <= r && r <= '9':
				s.latin.WriteByte(byte(r))
			}
			continue
		}
		if !unicode.IsLetter(r) {
			if r == ' ' || r == '\n' || unicode.IsDigit(r) {
				s.latin.WriteRune(r)
			}
			continue
		}
		sc := scriptOf(r)
		if s.counts[sc] == 0 {
			s.scripts++
		}
		s.counts[sc]++
		s.total++
		if sc == 0 {
			s.latin.WriteRune(r)
		} else {
			s.latin.WriteByte(' ')
		}
	}
	s.text = text[:end]
	return s
}

// scriptOf returns the index in scriptNames of r's script.
func scriptOf(r rune) int {
	switch {
	case r < 0x250:
		return 0
	case unicode.Is(unicode.Arabic, r):
		return 1
	case unicode.Is(unicode.Devanagari, r):
		return 2
	case unicode.Is(unicode.Bengali, r):
		return 3
	case unicode.Is(unicode.Sinhala, r):
		return 4
	case unicode.Is(unicode.Ethiopic, r):
		return 5
	case unicode.Is(unicode.Tamil, r):
		return 6
	case unicode.Is(unicode.Cyrillic, r):
		return 7
	case unicode.Is(unicode.Gurmukhi, r):
		return 8
	case unicode.Is(unicode.Thai, r):
		return 9
	case unicode.Is(unicode.Han, r):
		return 10
	}
	return 11
}

// detect returns the main language and, for mixed posts, every language
// with a fair share of the text.
func (l *langID) detect(text string) (string, []string) {
	s := sample(text)
	if s.total == 0 {
		return "und", nil
	}
	type share struct {
		lang string
		n    int
	}
	var shares []share
	for sc, n := range s.counts {
		if n == 0 || n*100 < s.total*15 && s.scripts > 1 {
			continue
		}
		shares = append(shares, share{l.langOfScript(scriptNames[sc], s), n})
	}
	sort.Slice(shares, func(i, j int) bool {
		if shares[i].n != shares[j].n {
			return shares[i].n > shares[j].n
		}
		return shares[i].lang < shares[j].lang
	})
	if len(shares) == 0 {
		return "und", nil
	}
	var langs []string
	for _, sh := range shares {
		if !contains(langs, sh.lang) {
			langs = append(langs, sh.lang)
		}
	}
	if len(langs) == 1 {
		return langs[0], nil
	}
	return langs[0], langs
}

func contains(s []string, x string) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

func (l *langID) langOfScript(sc string, s *scriptSample) string {
	switch sc {
	case "arabic":
		return arabicScriptLang(s.text)
	case "devanagari":
		return devanagariLang(s.text)
	case "bengali":
		return "bn"
	case "sinhala":
		return "si"
	case "ethiopic":
		return "am"
	case "tamil":
		return "ta"
	case "cyrillic":
		return "ru"
	case "gurmukhi":
		return "pa"
	case "thai":
		return "th"
	case "han":
		return "zh"
	case "latin":
		return l.latinLang(s.latin.String())
	}
	return "und"
}

// latinLang tells Arabizi and Roman Urdu by markers, then asks lingua.
func (l *langID) latinLang(text string) string {
	c := countLatin(strings.Fields(strings.ToLower(text)))
	if c.arabizi() {
		return "ar-Latn"
	}
	if c.markers[setRomanUrdu] >= 3 {
		return "ur-Latn"
	}
	if c.markers[setTaglish] >= 3 {
		return "tl"
	}
	if lang, ok := c.byStopwords(); ok || !l.useModel {
		return lang
	}
	if len(text) > linguaSample {
		text = text[:linguaSample]
	}
	if lang, ok := l.detector().DetectLanguageOf(text); ok {
		return linguaCodes[lang]
	}
	return "en"
}
