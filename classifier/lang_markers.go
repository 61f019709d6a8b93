package classifier

import (
	"strings"
	"unicode"
)

var (
	romanUrdu = set("hai", "hain", "ke", "ki", "ka", "aur", "nahi", "nahin", "chahiye", "karein", "kaam",
		"naukri", "mein", "se", "ko", "bhai", "wala", "wale", "rupay", "paisay", "jaldi", "sirf", "bhi",
		"hum", "aap", "apna", "apne", "kar", "raha", "liye", "tankhwah", "mazdoor", "bhejo", "karo")
	taglish = set("ang", "ng", "mga", "sa", "po", "kayo", "namin", "kami", "walang", "may", "lang",
		"sahod", "trabaho", "para", "ito", "kung", "hindi", "na", "ay", "bayad")
	arabiziWords = set("inshallah", "yalla", "wallah", "habibi", "shu", "mish", "mafi", "fi", "ana",
		"enta", "kafeel", "kafala", "tanazul", "iqama", "khadama", "shaghala", "shoghl", "3amal",
		"ya", "el", "3ala", "3and", "ma3", "bas", "ktir", "kteer", "hay", "shi", "la2", "eh", "wa",
		"bidoun", "bedoon", "ra7", "ba3d", "kel", "kol", "mafeesh", "3ayzin", "3awzin", "3andna", "el", "lel", "w", "bel", "mn", "3la", "sana", "shahr", "rateb", "ratib", "ijaza", "wazifa", "mtlob", "nabi", "tabi", "3indana", "ma3", "sharika", "sharikat", "eqama")
	nepaliMarkers = set("छ", "छन्", "छैन", "हो", "गर्न", "गर्नु", "हुने", "हुन्छ", "पर्ने", "पर्छ",
		"तपाईं", "तपाई", "हामी", "लागि", "र", "मा", "भिसा", "कामदार", "पठाउने", "गर्नुहोस्", "सम्पर्क",
		"रोजगारी", "बिदेश", "विदेश", "हुनेछ", "दिइने", "गरिने")
	hindiMarkers = set("है", "हैं", "के", "लिए", "नहीं", "आप", "हम", "और", "की", "का", "को", "में",
		"से", "करें", "वीजा", "वीज़ा", "नौकरी", "होगा", "होगी", "चाहिए")
	urduLetters    = "ٹڈڑںےھۓ"
	urduWords      = set("کے", "ہے", "میں", "کی", "کا", "اور", "ہیں", "نہیں", "کریں", "لیے", "کو", "سے")
	persianMarkers = set("است", "می", "برای", "این", "شما", "کار", "با", "به")
)

// markerCount is the number of distinct words of m among words.
func markerCount(words []string, m map[string]bool) int {
	var seen []string // few: a slice, not a map
	for _, w := range words {
		w = strings.Trim(w, ".,:;!?()\"'")
		if m[w] && !contains(seen, w) {
			seen = append(seen, w)
		}
	}
	return len(seen)
}

// Marker sets of the Latin-script sample, counted in one pass.
const (
	setArabizi = iota
	setRomanUrdu
	setTaglish
	setIndonesianOnly
	setMalayOnly
	numMarkerSets
)

// stopLangs are the languages whose stopwords are counted, in the order
// ties are broken.
var stopLangs = [...]string{"en", "fr", "id", "ms", "sw", "tl"}

// latinWords maps a word to the marker sets (bit i) and the stopword
// lists (bit numMarkerSets+k for stopLangs[k]) holding it: one lookup
// per word instead of one per list.
var latinWords = func() map[string]uint16 {
	m := map[string]uint16{}
	for i, set := range [numMarkerSets]map[string]bool{arabiziWords, romanUrdu, taglish, indonesianOnly, malayOnly} {
		for w := range set {
			m[w] |= 1 << i
		}
	}
	for k, l := range stopLangs {
		for w := range stopwords[l] {
			m[w] |= 1 << (numMarkerSets + k)
		}
	}
	return m
}()

// latinCounts is what the Latin-script language decision needs from the
// words: per marker set its distinct words, per stopword list its
// occurrences, and the words with Arabizi digits.
type latinCounts struct {
	markers [numMarkerSets]int
	stops   [len(stopLangs)]int
	mixed   int
}

func countLatin(words []string) latinCounts {
	var c latinCounts
	var seen [numMarkerSets][]string
	for _, w := range words {
		if hasArabiziDigit(w) {
			c.mixed++
		}
		w = strings.Trim(w, ".,:;!?()\"'")
		bits := latinWords[w]
		if bits == 0 {
			continue
		}
		for i := range c.markers {
			if bits&(1<<i) != 0 && !contains(seen[i], w) {
				seen[i] = append(seen[i], w)
				c.markers[i]++
			}
		}
		for k := range c.stops {
			if bits&(1<<(numMarkerSets+k)) != 0 {
				c.stops[k]++
			}
		}
	}
	return c
}

// arabizi: words mixing Latin letters with the digits that stand for
// Arabic letters (3 ع, 7 ح, 2 ء, 5 خ, 9 ص), or several Arabizi words.
func (c latinCounts) arabizi() bool {
	mixed, markers := c.mixed, c.markers[setArabizi]
	return (mixed >= 2 && markers >= 1) || mixed >= 4 || (mixed >= 1 && markers >= 3) || markers >= 5
}

var unitSuffix = set("st", "nd", "rd", "th", "am", "pm", "k", "h", "hr", "hrs", "yrs", "kg", "x", "d", "m", "g", "gb", "mb", "min", "days", "years", "yo")

func hasArabiziDigit(w string) bool {
	if unitSuffix[strings.TrimLeft(w, "0123456789")] {
		return false
	}
	letters, digit, other := 0, false, 0
	for _, r := range w {
		switch {
		case r == '2' || r == '3' || r == '5' || r == '7' || r == '9':
			digit = true
		case r >= '0' && r <= '9':
			other++
		case unicode.IsLetter(r):
			letters++
		case r != '\'':
			return false // "24/7", "b2b-sales", "x@y2.com"
		}
	}
	return digit && other == 0 && letters >= 2
}

func devanagariLang(text string) string {
	words := strings.Fields(text)
	ne, hi := markerCount(words, nepaliMarkers), markerCount(words, hindiMarkers)
	if ne > hi {
		return "ne"
	}
	return "hi"
}

func arabicScriptLang(text string) string {
	if strings.ContainsAny(text, urduLetters) || markerCount(strings.Fields(text), urduWords) >= 2 {
		return "ur"
	}
	words := strings.Fields(text)
	if strings.ContainsAny(text, "پچژگکی") && markerCount(words, persianMarkers) >= 2 {
		return "fa"
	}
	return "ar"
}

// stopwords of the Latin-script languages we cover. A clear lead decides
// without the language model (fast path); ties go to lingua.
var stopwords = map[string]map[string]bool{
	"en": set("the", "and", "for", "with", "you", "your", "are", "will", "our", "we", "of", "to", "in", "is", "be", "this", "from", "have", "per", "all"),
	"fr": set("le", "la", "les", "des", "et", "pour", "vous", "avec", "de", "du", "une", "est", "sur", "au", "aux", "nous", "pas", "votre", "dans", "par"),
	"id": set("dan", "yang", "untuk", "di", "dengan", "tidak", "ke", "kami", "dari", "akan", "atau", "juga", "sudah", "kerja", "gaji", "perlu", "ada", "ini", "anda"),
	"sw": set("na", "ya", "wa", "kwa", "ni", "za", "la", "katika", "kazi", "mshahara", "hakuna", "kama", "wako", "yako", "kwenye", "kupitia", "siku", "kila", "bure", "au"),
	"tl": set("ang", "ng", "mga", "sa", "po", "kayo", "namin", "kami", "walang", "may", "lang", "sahod", "trabaho", "para", "ito", "kung", "hindi", "na", "ay", "at"),
}

var (
	indonesianOnly = set("lowongan", "dibutuhkan", "dicari", "bisa", "saja", "nanti", "berangkat", "pengalaman", "tidak perlu", "biaya", "hubungi", "tanpa", "sampai", "cuma", "buruan", "diurus", "karena", "kantor", "paspor")
	malayOnly      = set("boleh", "sahaja", "jawatan", "kosong", "syarikat", "kerana", "iaitu", "pejabat", "pasport", "cuti", "sila", "memohon", "kelayakan", "ringgit")
)

// byStopwords returns the language whose stopwords lead clearly.
// Indonesian and Malay share most function words: a lead between them
// alone goes to lingua.
func (c latinCounts) byStopwords() (string, bool) {
	best, second, lang := 0, 0, "en"
	for k, l := range stopLangs {
		switch n := c.stops[k]; {
		case n > best:
			best, second, lang = n, best, l
		case n > second:
			second = n
		}
	}
	if lang == "id" {
		// Indonesian and Malay share their function words: decide by the
		// words only one of them uses, else leave it to the model.
		id, ms := c.markers[setIndonesianOnly], c.markers[setMalayOnly]
		switch {
		case id > ms:
			return "id", best >= 2
		case ms > id:
			return "ms", best >= 2
		}
		return "id", false
	}
	return lang, best >= 3 && best >= 2*second
}
