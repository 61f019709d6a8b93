package classifier

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// parseEveryRegion is parseNational without possibleIn: every region is
// parsed. possibleIn may only save work, never change a result.
func parseEveryRegion(digits, lang string) (string, bool) {
	for _, reg := range regionOrder(lang) {
		if e164, ok := parseIn(digits, reg); ok {
			return e164, true
		}
	}
	return "", false
}

// phoneStrings: national numbers of every region we try, as written at
// home, with the calling code and no "+", with a digit shifted, dropped
// or doubled; and random digit strings with the prefixes that matter
// (0, 00x, 01x, 1, calling codes).
func phoneStrings() []string {
	var out []string
	add := func(s string) {
		if n := len(s); n >= 7 && n <= 15 {
			out = append(out, s)
		}
	}
	types := []phonenumbers.PhoneNumberType{phonenumbers.FIXED_LINE, phonenumbers.MOBILE, phonenumbers.TOLL_FREE,
		phonenumbers.PREMIUM_RATE, phonenumbers.SHARED_COST, phonenumbers.VOIP, phonenumbers.PERSONAL_NUMBER,
		phonenumbers.PAGER, phonenumbers.UAN, phonenumbers.VOICEMAIL}
	var ccs []string
	// Every region of each calling code: parsed as written in the US, a
	// number is valid if it is valid anywhere in +1.
	var regs []string
	for reg := range phoneRegions() {
		for _, r := range phonenumbers.GetRegionCodesForCountryCode(phonenumbers.GetCountryCodeForRegion(reg)) {
			if !slices.Contains(regs, r) {
				regs = append(regs, r)
			}
		}
	}
	slices.Sort(regs) // the same sample every run
	for _, reg := range regs {
		cc := strconv.Itoa(phonenumbers.GetCountryCodeForRegion(reg))
		if !slices.Contains(ccs, cc) {
			ccs = append(ccs, cc)
		}
		for _, typ := range types {
			num := phonenumbers.GetExampleNumberForType(reg, typ)
			if num == nil {
				continue
			}
			nsn := phonenumbers.GetNationalSignificantNumber(num)
			nat := phonenumbers.NormalizeDigitsOnly(phonenumbers.Format(num, phonenumbers.NATIONAL))
			for _, s := range []string{cc + nat, "0" + nsn, "00" + nsn, cc + "0" + nsn, cc + "00" + nsn, "1" + nsn} {
				add(s)
			}
			for _, s := range []string{nsn, nat, cc + nsn} {
				add(s)
				for i := range len(s) {
					add(s[:i] + s[i+1:])                               // dropped
					add(s[:i] + s[i:i+1] + s[i:])                      // doubled
					add(s[:i] + string('0'+(s[i]-'0'+1)%10) + s[i+1:]) // shifted
				}
			}
		}
	}
	slices.Sort(ccs)
	r := rand.New(rand.NewPCG(1, 2))
	prefixes := append([]string{"", "0", "00", "000", "001", "007", "008", "011", "1", "180020"}, ccs...)
	for range 3000 {
		p := prefixes[r.IntN(len(prefixes))]
		n := 7 + r.IntN(9) - len(p)
		s := p
		for range max(n, 1) {
			s += strconv.Itoa(r.IntN(10))
		}
		add(s)
	}
	// A fixed sample keeps the test to seconds under -race; the same check
	// over 330,000 strings found nothing more.
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	// "3102600" as written in the US is +1 310 2600: valid, in Canada.
	return append(out[:min(len(out), 4000)], "3102600")
}

func TestPossibleInNeverHidesANumber(t *testing.T) {
	if testing.Short() {
		t.Skip("parses every string in every region: a few seconds")
	}
	var langs []string
	for lang := range regionsFor {
		langs = append(langs, lang)
	}
	slices.Sort(langs)
	strs := phoneStrings()
	valid, skipped, tried := 0, 0, 0
	for i, s := range strs {
		lang := langs[i%len(langs)] // every language, spread over the strings
		got, gotOK := parseNational(s, lang)
		want, wantOK := parseEveryRegion(s, lang)
		if got != want || gotOK != wantOK {
			t.Errorf("parseNational(%q, %q) = %q %v, parsing every region gives %q %v", s, lang, got, gotOK, want, wantOK)
		}
		if wantOK {
			valid++
		}
		for _, reg := range regionOrder(lang) {
			tried++
			if !possibleIn(s, reg) {
				skipped++
			}
		}
	}
	t.Logf("%d strings, %d valid somewhere; possibleIn spared %d of %d parses", len(strs), valid, skipped, tried)
	// Both sides were exercised: real numbers were found, and most
	// region parses were ruled out.
	if valid < len(strs)/10 || skipped < tried/2 {
		t.Errorf("the strings do not test both sides: %d of %d valid, %d of %d parses spared", valid, len(strs), skipped, tried)
	}
	if len(phoneRegions()) < 20 {
		t.Errorf("phoneRegions knows %d regions; want every region of regionsFor", len(phoneRegions()))
	}
}

func TestPossibleInRegions(t *testing.T) {
	for reg, pr := range phoneRegions() {
		if pr.exact {
			t.Errorf("%s: metadata not modelled, every number is parsed there", reg)
		}
	}
	// An unknown region is always parsed.
	if !possibleIn("12345678", "XX") {
		t.Error("possibleIn of an unknown region is false")
	}
}
