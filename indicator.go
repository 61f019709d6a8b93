package recruitscan

// Indicator is an id from the indicator taxonomy (shared/domain/indicators.md,
// ILO-based). New ids may be added; these keep their meaning.
type Indicator string

// The taxonomy.
const (
	WorkerPaysFees         Indicator = "worker_pays_fees"
	VisaTrading            Indicator = "visa_trading"
	PersonTransferSale     Indicator = "person_transfer_sale"
	DocumentRetention      Indicator = "document_retention"
	DeceptiveTerms         Indicator = "deceptive_terms"
	IrregularMigration     Indicator = "irregular_migration"
	CoerciveConditions     Indicator = "coercive_conditions"
	VulnerableTargeting    Indicator = "vulnerable_targeting"
	AnonymousContact       Indicator = "anonymous_contact"
	UrgencyPressure        Indicator = "urgency_pressure"
	SexualExploitationCues Indicator = "sexual_exploitation_cues"
	JobScam                Indicator = "job_scam"
	// Mitigating is the pseudo-indicator of signals that lower risk
	// ("no fees charged to candidates", a licence number, an awareness post).
	Mitigating Indicator = "mitigating"
)

var indicators = []Indicator{
	WorkerPaysFees, VisaTrading, PersonTransferSale, DocumentRetention,
	DeceptiveTerms, IrregularMigration, CoerciveConditions, VulnerableTargeting,
	AnonymousContact, UrgencyPressure, SexualExploitationCues, JobScam,
}

// Indicators returns the risk indicators of the taxonomy in a fixed order
// (Mitigating is not among them).
func Indicators() []Indicator { return append([]Indicator(nil), indicators...) }

// Valid reports whether i is a taxonomy id or Mitigating.
func (i Indicator) Valid() bool {
	if i == Mitigating {
		return true
	}
	for _, k := range indicators {
		if k == i {
			return true
		}
	}
	return false
}
