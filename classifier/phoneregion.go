package classifier

import (
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/nyaruka/phonenumbers"
)

// A number written without a country code is tried in each region of the
// ad's language, and a string that is a phone number nowhere (a salary
// range "12000 15000", a date, an ID) costs one phonenumbers.Parse per
// region, each a run of regexes over the whole string. possibleIn rules
// out such a region first, from the region's metadata alone: it is a
// necessary condition, so a region it lets through is parsed exactly as
// before, and the result never changes (TestPossibleInNeverHidesANumber).

// phoneRegion is what parsing a national number in one region can do to
// it: strip the region's calling code, then a national prefix, and keep
// the rest as the national significant number. IsValidNumber then checks
// it against every region of that calling code (+1 is the US, Canada and
// the Caribbean), so lengths and national hold what any of them allows.
type phoneRegion struct {
	exact   bool // metadata this check does not model: always parse
	cc      string
	ccN     int32
	idd     *regexp.Regexp // whole international prefix, anchored
	ndd     *regexp.Regexp // whole national prefix for parsing, anchored; nil when none
	lengths uint32         // bit n: a national number of n digits is possible
	// national matches every valid national number, anchored: for a code
	// of one region, any of its number types' patterns; for a shared code
	// (+1 would need dozens of regions' types), every region's general one.
	national *regexp.Regexp
}

// phoneRegions holds the check for every region of regionsFor.
var phoneRegions = sync.OnceValue(func() map[string]*phoneRegion {
	out := map[string]*phoneRegion{}
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		return out // no region known: every one is parsed
	}
	byID := map[string]*phonenumbers.PhoneMetadata{}
	for _, md := range coll.GetMetadata() {
		byID[md.GetId()] = md
	}
	for _, rs := range regionsFor {
		for _, r := range rs {
			if md := byID[r]; md != nil && out[r] == nil {
				out[r] = newPhoneRegion(md, byID)
			}
		}
	}
	return out
})

func newPhoneRegion(md *phonenumbers.PhoneMetadata, byID map[string]*phonenumbers.PhoneMetadata) *phoneRegion {
	exact := &phoneRegion{exact: true}
	pr := &phoneRegion{ccN: md.GetCountryCode(), cc: strconv.Itoa(int(md.GetCountryCode()))}
	npp := md.GetNationalPrefixForParsing()
	idd := md.GetInternationalPrefix()
	var err error
	// A transform rule or a carrier-code group rewrites the number rather
	// than strip a prefix; an unusual pattern may not compile in Go.
	if md.GetNationalPrefixTransformRule() != "" || strings.Contains(npp, "(") || idd == "" {
		return exact
	}
	if pr.idd, err = regexp.Compile(`^(?:` + idd + `)$`); err != nil {
		return exact
	}
	if npp != "" {
		if pr.ndd, err = regexp.Compile(`^(?:` + npp + `)$`); err != nil {
			return exact
		}
	}
	regs := phonenumbers.GetRegionCodesForCountryCode(int(pr.ccN))
	var pats []string
	for _, id := range regs {
		other := byID[id]
		if other == nil {
			return exact
		}
		pats = append(pats, other.GetGeneralDesc().GetNationalNumberPattern())
		for _, n := range other.GetGeneralDesc().GetPossibleLength() {
			if n <= 0 || n >= 32 {
				return exact
			}
			pr.lengths |= 1 << n
		}
	}
	if len(regs) == 1 {
		// A valid number is of some type (fixed line, mobile, toll free...):
		// a much narrower pattern than the general one.
		var typed []string
		for _, d := range numberTypes(byID[regs[0]]) {
			if p := d.GetNationalNumberPattern(); p != "" {
				typed = append(typed, p)
			}
		}
		if len(typed) > 0 {
			pats = typed
		}
	}
	if len(pats) == 0 {
		return exact
	}
	if pr.national, err = regexp.Compile(`^(?:` + strings.Join(pats, "|") + `)$`); err != nil {
		return exact
	}
	return pr
}

// numberTypes are the descriptions IsValidNumber tries a number against.
func numberTypes(md *phonenumbers.PhoneMetadata) []*phonenumbers.PhoneNumberDesc {
	return []*phonenumbers.PhoneNumberDesc{md.GetFixedLine(), md.GetMobile(), md.GetTollFree(), md.GetPremiumRate(),
		md.GetSharedCost(), md.GetVoip(), md.GetPersonalNumber(), md.GetPager(), md.GetUan(), md.GetVoicemail()}
}

// maxPrefix is the longest national or international prefix tried.
const maxPrefix = 6

// possibleIn reports whether digits (ASCII digits, no "+") might parse as
// a valid number of region reg. False means phonenumbers.Parse(digits,
// reg) gives no valid number.
func possibleIn(digits, reg string) bool {
	pr := phoneRegions()[reg]
	if pr == nil || pr.exact {
		return true
	}
	// Dialled from the region to abroad: the calling code follows the
	// international prefix, so any country may result. Parse decides.
	for k := 1; k <= min(maxPrefix, len(digits)); k++ {
		if pr.idd.MatchString(digits[:k]) {
			return true
		}
	}
	// Parse strips the region's own calling code, then a national prefix,
	// and a national prefix once more ("92 0 0 3012345678" is +92
	// 3012345678); what remains is the national significant number.
	if pr.nationalValid(digits, 2) {
		return true
	}
	return strings.HasPrefix(digits, pr.cc) && pr.nationalValid(digits[len(pr.cc):], 2)
}

// nationalValid: d, or d after up to strips national prefixes, is a valid
// national significant number of the region.
func (pr *phoneRegion) nationalValid(d string, strips int) bool {
	if pr.valid(d) {
		return true
	}
	if pr.ndd == nil || strips == 0 {
		return false
	}
	for k := 1; k <= min(maxPrefix, len(d)-1); k++ {
		if pr.ndd.MatchString(d[:k]) && pr.nationalValid(d[k:], strips-1) {
			return true
		}
	}
	return false
}

// valid builds the number Parse would build from the national significant
// number nsn (leading zeros kept as Parse keeps them) and validates it
// with the library.
func (pr *phoneRegion) valid(nsn string) bool {
	if len(nsn) >= 32 || pr.lengths&(1<<len(nsn)) == 0 {
		return false
	}
	// IsValidNumber tries these patterns too, after building strings and
	// taking a lock; most candidates end here.
	if !pr.national.MatchString(nsn) {
		return false
	}
	nn, err := strconv.ParseUint(nsn, 10, 64)
	if err != nil {
		return false
	}
	num := &phonenumbers.PhoneNumber{CountryCode: &pr.ccN, NationalNumber: &nn}
	if len(nsn) > 1 && nsn[0] == '0' {
		lead, zeros := true, int32(1)
		for int(zeros) < len(nsn)-1 && nsn[zeros] == '0' {
			zeros++
		}
		num.ItalianLeadingZero = &lead
		if zeros != 1 {
			num.NumberOfLeadingZeros = &zeros
		}
	}
	return phonenumbers.IsValidNumber(num)
}
