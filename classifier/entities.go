package classifier

import (
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/rules/norm"
)

// maxEntities bounds the entities of one ad.
const maxEntities = 32

var (
	// on the original text
	emailRe   = regexp.MustCompile(`[\p{L}\p{N}._%+\-]+@[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)*\.\p{L}{2,}`)
	waLinkRe  = regexp.MustCompile(`(?i)\b(?:wa\.me/|api\.whatsapp\.com/send\?phone=|whatsapp\.com/send\?phone=)\+?(\d{7,15})`)
	waGroupRe = regexp.MustCompile(`(?i)\bchat\.whatsapp\.com/([A-Za-z0-9]{10,40})`)
	tgLinkRe  = regexp.MustCompile(`(?i)\b(?:t|telegram)\.me/(?:s/)?([A-Za-z][A-Za-z0-9_]{3,31})`)
	handleRe  = regexp.MustCompile(`(?:^|[^\p{L}\p{N}_.@/])@([A-Za-z][A-Za-z0-9_.]{2,31})`)
	urlRe     = regexp.MustCompile(`(?i)\bhttps?://[^\s<>"'` + "`" + `]+`)
)

// currencies maps currency words (normalised) to ISO codes.
var currencies = map[string]string{
	"sar": "SAR", "sr": "SAR", "riyal": "SAR", "riyals": "SAR", "ريال": "SAR", "ر س": "SAR", "رس": "SAR",
	"aed": "AED", "dirham": "AED", "dirhams": "AED", "درهم": "AED", "dhs": "AED",
	"kwd": "KWD", "kd": "KWD", "دك": "KWD", "دينار": "KWD", "bhd": "BHD", "bd": "BHD", "qar": "QAR", "qr": "QAR",
	"omr": "OMR", "ro": "OMR", "usd": "USD", "$": "USD", "us$": "USD", "dollar": "USD", "dollars": "USD", "ڈالر": "USD", "डॉलर": "USD",
	"eur": "EUR", "€": "EUR", "euro": "EUR", "euros": "EUR", "gbp": "GBP", "£": "GBP",
	"inr": "INR", "rs": "INR", "₹": "INR", "रुपये": "INR", "रुपए": "INR", "रुपया": "INR",
	"pkr": "PKR", "روپے": "PKR", "روپيه": "PKR", "روپي": "PKR", "bdt": "BDT", "টাকা": "BDT", "৳": "BDT", "tk": "BDT",
	"npr": "NPR", "रु": "NPR", "php": "PHP", "₱": "PHP", "peso": "PHP", "pesos": "PHP",
	"idr": "IDR", "rp": "IDR", "rupiah": "IDR", "myr": "MYR", "rm": "MYR", "kes": "KES", "ksh": "KES", "ksh.": "KES",
	"etb": "ETB", "birr": "ETB", "ብር": "ETB", "lkr": "LKR", "රු": "LKR", "රුපියල්": "LKR", "fcfa": "XOF", "cfa": "XOF", "xof": "XOF",
	"جنيه": "EGP", "رق": "QAR", "دب": "BHD", "ره": "AED", "دا": "AED", "egp": "EGP", "shilingi": "KES", "tsh": "TZS",
}

// regionsByLang lists the phone regions to try for numbers written without
// a country code, most likely first.
var regionsByLang = map[string][]string{
	"ar": {"SA", "AE", "KW", "QA", "BH", "OM", "EG", "JO", "LB"}, "ar-Latn": {"SA", "AE", "KW", "LB", "EG"},
	"ur": {"PK", "SA", "AE"}, "ur-Latn": {"PK", "SA", "AE"}, "hi": {"IN", "AE", "SA"}, "bn": {"BD", "SA", "AE"},
	"ne": {"NP", "QA", "AE"}, "tl": {"PH", "SA", "AE"}, "id": {"ID", "MY", "SA"}, "ms": {"MY", "ID"},
	"sw": {"KE", "TZ", "UG"}, "am": {"ET", "SA"}, "si": {"LK", "KW", "SA"}, "fr": {"FR", "SN", "CI", "MA"},
	"en": {"GB", "US", "AE", "SA", "IN", "PH", "KE"},
}

var fallbackRegions = []string{"SA", "AE", "KW", "QA", "IN", "PK", "BD", "PH", "NP", "KE", "US"}

// regionsFor holds, per language, its regions then the fallbacks, each
// once: a number that is valid nowhere is parsed once per region, so
// repeats cost.
var regionsFor = func() map[string][]string {
	once := func(rs []string) []string {
		var out []string
		for _, r := range rs {
			if !slices.Contains(out, r) {
				out = append(out, r)
			}
		}
		return out
	}
	m := map[string][]string{"": once(fallbackRegions)}
	for lang, rs := range regionsByLang {
		m[lang] = once(append(append([]string(nil), rs...), fallbackRegions...))
	}
	return m
}()

func regionOrder(lang string) []string {
	if rs, ok := regionsFor[lang]; ok {
		return rs
	}
	return regionsFor[""]
}

// entities extracts phones, emails, messenger links and handles, URLs and
// money amounts from the fields.
func entities(fields []field, lang string) []recruitscan.Entity {
	var out []recruitscan.Entity
	seen := map[string]bool{}
	add := func(e recruitscan.Entity) {
		key := string(e.Kind) + "\x00" + e.Value
		if seen[key] || len(out) >= maxEntities || e.Value == "" {
			return
		}
		seen[key] = true
		out = append(out, e)
	}
	for _, f := range fields {
		for _, e := range originalEntities(f) {
			add(e)
		}
		for _, e := range phones(f, lang) {
			add(e)
		}
		for _, e := range money(f) {
			add(e)
		}
	}
	return out
}

func originalEntities(f field) []recruitscan.Entity {
	var out []recruitscan.Entity
	s := f.orig
	mk := func(k recruitscan.EntityKind, v string, a, b int) {
		out = append(out, recruitscan.Entity{Kind: k, Value: v, Field: f.name, Start: a, End: b, Text: s[a:b]})
	}
	// Each regex runs only when a cheap substring test says it may match.
	at := strings.IndexByte(s, '@') >= 0
	if at {
		for _, m := range emailRe.FindAllStringIndex(s, maxEntities) {
			mk(recruitscan.EntityEmail, strings.ToLower(s[m[0]:m[1]]), m[0], m[1])
		}
	}
	lower := lowerASCII(s) // for the substring tests: one copy, then vectorised searches
	if strings.Contains(lower, "wa.me") || strings.Contains(lower, "whatsapp.com") {
		for _, m := range waLinkRe.FindAllStringSubmatchIndex(s, maxEntities) {
			mk(recruitscan.EntityWhatsApp, "+"+s[m[2]:m[3]], m[0], m[1])
		}
		for _, m := range waGroupRe.FindAllStringSubmatchIndex(s, maxEntities) {
			mk(recruitscan.EntityWhatsApp, "group:"+s[m[2]:m[3]], m[0], m[1])
		}
	}
	if strings.Contains(lower, "t.me/") || strings.Contains(lower, "telegram.me/") {
		for _, m := range tgLinkRe.FindAllStringSubmatchIndex(s, maxEntities) {
			mk(recruitscan.EntityTelegram, strings.ToLower(s[m[2]:m[3]]), m[0], m[1])
		}
	}
	if at {
		for _, m := range handleRe.FindAllStringSubmatchIndex(s, maxEntities) {
			mk(recruitscan.EntityHandle, strings.ToLower(strings.TrimRight(s[m[2]:m[3]], ".")), m[2]-1, m[3])
		}
	}
	if strings.Contains(lower, "http") {
		for _, m := range urlRe.FindAllStringIndex(s, maxEntities) {
			u := strings.TrimRight(s[m[0]:m[1]], ".,;:!?)]}»")
			mk(recruitscan.EntityURL, u, m[0], m[0]+len(u))
		}
	}
	return out
}

func phones(f field, lang string) []recruitscan.Entity {
	b := f.n.Bytes()
	var out []recruitscan.Entity
	for _, m := range phoneCandidates(b) {
		cand := string(b[m[0]:m[1]])
		e164, ok := parsePhone(cand, lang)
		if !ok {
			continue
		}
		s, e := f.n.Span(m[0], m[1])
		out = append(out, recruitscan.Entity{Kind: recruitscan.EntityPhone, Value: e164, Field: f.name, Start: s, End: e, Text: f.orig[s:e]})
	}
	return out
}

func parsePhone(cand, lang string) (string, bool) {
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' || r == '+' {
			return r
		}
		return -1
	}, cand)
	if strings.HasPrefix(digits, "00") {
		digits = "+" + digits[2:]
	}
	if n := len(strings.TrimPrefix(digits, "+")); n < 7 || n > 15 {
		return "", false
	}
	if strings.HasPrefix(digits, "+") {
		return parseIn(digits, "ZZ")
	}
	return parseNational(digits, lang)
}

// parseNational parses digits, written without a country code, in the
// regions of lang, most likely first.
func parseNational(digits, lang string) (string, bool) {
	for _, reg := range regionOrder(lang) {
		if !possibleIn(digits, reg) {
			continue // cannot be valid there: no Parse
		}
		if e164, ok := parseIn(digits, reg); ok {
			return e164, true
		}
	}
	return "", false
}

// parseIn parses digits as written in region reg ("ZZ": with a country
// code) and formats a valid number as E.164.
func parseIn(digits, reg string) (string, bool) {
	num, err := phonenumbers.Parse(digits, reg)
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return "", false
	}
	return phonenumbers.Format(num, phonenumbers.E164), true
}

// money finds amounts next to a currency word or symbol in the
// normalised text: "14000 sar", "sar 14000", "$450", "₹135000", "rp 25 juta".
// It walks the words once; no regex.
func money(f field) []recruitscan.Entity {
	b := f.n.Bytes()
	words := splitWords(b)
	var out []recruitscan.Entity
	for i, w := range words {
		tok := string(b[w[0]:w[1]])
		amt, cur, ok := glued(tok)
		start, end := w[0], w[1]
		switch {
		case ok:
		case isAmount(tok) && i+2 < len(words) && abbrev(b, words[i+1], words[i+2]) != "":
			amt, cur, end = tok, abbrev(b, words[i+1], words[i+2]), words[i+2][1]
		case isAmount(tok) && i+1 < len(words) && lookupCurrency(string(b[words[i+1][0]:words[i+1][1]])) != "":
			amt, cur, end = tok, lookupCurrency(string(b[words[i+1][0]:words[i+1][1]])), words[i+1][1]
		case isAmount(tok) && i > 0 && lookupCurrency(string(b[words[i-1][0]:words[i-1][1]])) != "":
			amt, cur, start = tok, lookupCurrency(string(b[words[i-1][0]:words[i-1][1]])), words[i-1][0]
		default:
			continue
		}
		s, e := f.n.Span(start, end)
		out = append(out, recruitscan.Entity{Kind: recruitscan.EntityMoney, Value: normAmount(amt) + " " + cur, Field: f.name, Start: s, End: e, Text: f.orig[s:e]})
		if len(out) == maxEntities {
			break
		}
	}
	return out
}

// abbrev reads a dotted Arabic currency abbreviation, which normalises to
// two one-letter words ("د.ك" → "د", "ك").
func abbrev(b []byte, w1, w2 [2]int) string {
	a, c := string(b[w1[0]:w1[1]]), string(b[w2[0]:w2[1]])
	if utf8.RuneCountInString(a) != 1 || utf8.RuneCountInString(c) != 1 {
		return ""
	}
	return lookupCurrency(a + c)
}

// splitWords returns the [start, end) of each word of normalised text.
func splitWords(b []byte) [][2]int {
	var ws [][2]int
	s := 0
	for i := 0; i <= len(b); i++ {
		if i == len(b) || b[i] == ' ' || b[i] == '\n' {
			if i > s {
				ws = append(ws, [2]int{s, i})
			}
			s = i + 1
		}
	}
	return ws
}

// isAmount: 2 to 9 digits, optionally with a k suffix ("5k").
func isAmount(t string) bool {
	t = strings.TrimSuffix(t, "k")
	if len(t) < 2 || len(t) > 9 {
		return false
	}
	for i := 0; i < len(t); i++ {
		if t[i] < '0' || t[i] > '9' {
			return false
		}
	}
	return true
}

// glued splits a token that carries its currency: "$450", "₹135000",
// "sar1500", "450$".
func glued(t string) (amt, cur string, ok bool) {
	i := strings.IndexAny(t, "0123456789")
	if i < 0 {
		return "", "", false
	}
	j := strings.LastIndexAny(t, "0123456789") + 1
	pre, num, post := t[:i], t[i:j], t[j:]
	switch {
	case pre != "" && post == "" && isAmount(num):
		cur = lookupCurrency(pre)
	case pre == "" && post != "" && post != "k" && isAmount(num):
		cur = lookupCurrency(post)
	}
	return num, cur, cur != ""
}

func normAmount(a string) string {
	if strings.HasSuffix(a, "k") {
		a = strings.TrimSuffix(a, "k") + "000"
	}
	return strings.TrimLeft(a, "0")
}

// phoneCandidates returns the spans of runs of digits, spaces and
// parentheses (with a leading "+") holding 7 to 15 digits.
func phoneCandidates(b []byte) [][2]int {
	var out [][2]int
	for i := 0; i < len(b); {
		if !(b[i] == '+' || isDigit(b[i])) || (i > 0 && isWordByte(b[i-1])) {
			i++
			continue
		}
		j, digits, last := i, 0, -1
		for j < len(b) && (isDigit(b[j]) || b[j] == ' ' || b[j] == '(' || b[j] == ')' || (j == i && b[j] == '+')) {
			if isDigit(b[j]) {
				digits++
				last = j
			}
			j++
		}
		if digits >= 7 && digits <= 15 && last >= 0 && (last+1 == len(b) || !isWordByte(b[last+1])) {
			out = append(out, [2]int{i, last + 1})
			if len(out) == maxEntities {
				break
			}
		}
		i = max(j, i+1)
	}
	return out
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isWordByte: ASCII letters and digits, and any byte of a multi-byte rune.
func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || isDigit(c) || c >= 0x80
}

// lowerASCII is s with its ASCII letters in lower case and every other
// byte as it was.
func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

var normCurrencies = sync.OnceValue(func() map[string]string {
	m := make(map[string]string, len(currencies))
	for k, v := range currencies {
		m[norm.String(k)] = v
	}
	return m
})

func lookupCurrency(normalised string) string { return normCurrencies()[normalised] }
