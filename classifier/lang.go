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
	counts map[string]int
	latin  strings.Builder
	text   strings.Builder
	total  int
}

func sample(text string) *scriptSample {
	s := &scriptSample{counts: map[string]int{}}
	n := 0
	for _, r := range text {
		if n >= sampleRunes {
			break
		}
		n++
		s.text.WriteRune(r)
		if !unicode.IsLetter(r) {
			if r == ' ' || r == '\n' || unicode.IsDigit(r) {
				s.latin.WriteRune(r)
			}
			continue
		}
		sc := scriptOf(r)
		s.counts[sc]++
		s.total++
		if sc == "latin" {
			s.latin.WriteRune(r)
		} else {
			s.latin.WriteRune(' ')
		}
	}
	return s
}

func scriptOf(r rune) string {
	switch {
	case r < 0x250:
		return "latin"
	case unicode.Is(unicode.Arabic, r):
		return "arabic"
	case unicode.Is(unicode.Devanagari, r):
		return "devanagari"
	case unicode.Is(unicode.Bengali, r):
		return "bengali"
	case unicode.Is(unicode.Sinhala, r):
		return "sinhala"
	case unicode.Is(unicode.Ethiopic, r):
		return "ethiopic"
	case unicode.Is(unicode.Tamil, r):
		return "tamil"
	case unicode.Is(unicode.Cyrillic, r):
		return "cyrillic"
	case unicode.Is(unicode.Gurmukhi, r):
		return "gurmukhi"
	case unicode.Is(unicode.Thai, r):
		return "thai"
	case unicode.Is(unicode.Han, r):
		return "han"
	}
	return "other"
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
		if n*100 < s.total*15 && len(s.counts) > 1 {
			continue
		}
		shares = append(shares, share{l.langOfScript(sc, s), n})
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
		return arabicScriptLang(s.text.String())
	case "devanagari":
		return devanagariLang(s.text.String())
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
	words := strings.Fields(strings.ToLower(text))
	if isArabizi(words) {
		return "ar-Latn"
	}
	if markerCount(words, romanUrdu) >= 3 {
		return "ur-Latn"
	}
	if markerCount(words, taglish) >= 3 {
		return "tl"
	}
	if lang, ok := latinByStopwords(words); ok || !l.useModel {
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
