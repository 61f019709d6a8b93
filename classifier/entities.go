package classifier

import (
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/nyaruka/phonenumbers"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/rules/norm"
)

// maxEntities bounds the entities of one ad.
const maxEntities = 32

var (
	// on normalised text (ASCII digits, separators collapsed)
	phoneRe = regexp.MustCompile(`(?:\+|\b00)?\d[\d ()\n]{6,18}\d`)
	// on the original text
	emailRe    = regexp.MustCompile(`[\p{L}\p{N}._%+\-]+@[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)*\.\p{L}{2,}`)
	waLinkRe   = regexp.MustCompile(`(?i)\b(?:wa\.me/|api\.whatsapp\.com/send\?phone=|whatsapp\.com/send\?phone=)\+?(\d{7,15})`)
	waGroupRe  = regexp.MustCompile(`(?i)\bchat\.whatsapp\.com/([A-Za-z0-9]{10,40})`)
	tgLinkRe   = regexp.MustCompile(`(?i)\b(?:t|telegram)\.me/(?:s/)?([A-Za-z][A-Za-z0-9_]{3,31})`)
	handleRe   = regexp.MustCompile(`(?:^|[^\p{L}\p{N}_.@/])@([A-Za-z][A-Za-z0-9_.]{2,31})`)
	urlRe      = regexp.MustCompile(`(?i)\bhttps?://[^\s<>"'` + "`" + `]+`)
	moneyAfter *regexp.Regexp // amount then currency
	moneyBefor *regexp.Regexp // currency then amount
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
	"جنيه": "EGP", "egp": "EGP", "shilingi": "KES", "tsh": "TZS",
}

func init() {
	var alts []string
	for k := range currencies {
		alts = append(alts, regexp.QuoteMeta(norm.String(k)))
	}
	sort.Slice(alts, func(i, j int) bool { return len(alts[i]) > len(alts[j]) })
	cur := "(" + strings.Join(alts, "|") + ")"
	moneyAfter = regexp.MustCompile(`(\d{2,9}(?:k)?)[ \n]?` + cur + `(?:$|[^\p{L}\p{N}])`)
	moneyBefor = regexp.MustCompile(`(?:^|[^\p{L}\p{N}])` + cur + `[ \n]?(\d{2,9})`)
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
	for _, m := range emailRe.FindAllStringIndex(s, maxEntities) {
		mk(recruitscan.EntityEmail, strings.ToLower(s[m[0]:m[1]]), m[0], m[1])
	}
	for _, m := range waLinkRe.FindAllStringSubmatchIndex(s, maxEntities) {
		mk(recruitscan.EntityWhatsApp, "+"+s[m[2]:m[3]], m[0], m[1])
	}
	for _, m := range waGroupRe.FindAllStringSubmatchIndex(s, maxEntities) {
		mk(recruitscan.EntityWhatsApp, "group:"+s[m[2]:m[3]], m[0], m[1])
	}
	for _, m := range tgLinkRe.FindAllStringSubmatchIndex(s, maxEntities) {
		mk(recruitscan.EntityTelegram, strings.ToLower(s[m[2]:m[3]]), m[0], m[1])
	}
	for _, m := range handleRe.FindAllStringSubmatchIndex(s, maxEntities) {
		mk(recruitscan.EntityHandle, strings.ToLower(strings.TrimRight(s[m[2]:m[3]], ".")), m[2]-1, m[3])
	}
	for _, m := range urlRe.FindAllStringIndex(s, maxEntities) {
		u := strings.TrimRight(s[m[0]:m[1]], ".,;:!?)]}»")
		mk(recruitscan.EntityURL, u, m[0], m[0]+len(u))
	}
	return out
}

func phones(f field, lang string) []recruitscan.Entity {
	b := f.n.Bytes()
	var out []recruitscan.Entity
	for _, m := range phoneRe.FindAllIndex(b, maxEntities) {
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
	regions := append(append([]string(nil), regionsByLang[lang]...), fallbackRegions...)
	if strings.HasPrefix(digits, "+") {
		regions = []string{"ZZ"}
	}
	for _, reg := range regions {
		num, err := phonenumbers.Parse(digits, reg)
		if err == nil && phonenumbers.IsValidNumber(num) {
			return phonenumbers.Format(num, phonenumbers.E164), true
		}
	}
	return "", false
}

func money(f field) []recruitscan.Entity {
	b := f.n.Bytes()
	var out []recruitscan.Entity
	emit := func(amt, cur string, a, e int) {
		code := currencies[cur]
		if code == "" {
			code = lookupCurrency(cur)
		}
		if strings.HasSuffix(amt, "k") {
			amt = strings.TrimSuffix(amt, "k") + "000"
		}
		s, en := f.n.Span(a, e)
		out = append(out, recruitscan.Entity{Kind: recruitscan.EntityMoney, Value: strings.TrimLeft(amt, "0") + " " + code, Field: f.name, Start: s, End: en, Text: f.orig[s:en]})
	}
	for _, m := range moneyAfter.FindAllSubmatchIndex(b, maxEntities) {
		emit(string(b[m[2]:m[3]]), string(b[m[4]:m[5]]), m[2], m[5])
	}
	for _, m := range moneyBefor.FindAllSubmatchIndex(b, maxEntities) {
		emit(string(b[m[4]:m[5]]), string(b[m[2]:m[3]]), m[2], m[5])
	}
	return out
}

var normCurrencies = sync.OnceValue(func() map[string]string {
	m := make(map[string]string, len(currencies))
	for k, v := range currencies {
		m[norm.String(k)] = v
	}
	return m
})

func lookupCurrency(normalised string) string { return normCurrencies()[normalised] }
