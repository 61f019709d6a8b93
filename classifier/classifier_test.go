package classifier

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/rules"
)

func builtin(t testing.TB) *Classifier { return builtinWith(t, New) }

// builtinWithModel is builtin with the embedded text model.
func builtinWithModel(t testing.TB) *Classifier { return builtinWith(t, NewWithBuiltinModel) }

// builtinWith builds a classifier of the built-in packs with newC.
func builtinWith(t testing.TB, newC func(Config) (*Classifier, error)) *Classifier {
	t.Helper()
	rs, err := rules.LoadBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	c, err := newC(Config{Rules: rs})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestBuiltinExamples(t *testing.T) {
	c := builtin(t)
	fails, n := c.TestExamples()
	for _, f := range fails {
		t.Error(f)
	}
	if n == 0 {
		t.Fatal("no examples ran")
	}
}

func TestHitSpansInOriginal(t *testing.T) {
	c := builtin(t)
	ad := recruitscan.Ad{Title: "تـأشيرة  حرة", Body: "Get your FREE-VISA now, ٠٥٠١٢٣٤٥٦٧"}
	v := c.Classify(ad)
	if len(v.Hits) < 2 {
		t.Fatalf("hits = %+v", v.Hits)
	}
	for _, h := range v.Hits {
		src := ad.Body
		if h.Field == recruitscan.FieldTitle {
			src = ad.Title
		}
		if src[h.Start:h.End] != h.Text {
			t.Errorf("hit %+v: text %q differs from original %q", h, h.Text, src[h.Start:h.End])
		}
	}
	if v.Hits[0].Text != "تـأشيرة  حرة" || v.Hits[1].Text != "FREE-VISA" {
		t.Errorf("hit texts = %q, %q", v.Hits[0].Text, v.Hits[1].Text)
	}
	t.Logf("%+v", v)
}

func TestNegationWindow(t *testing.T) {
	c := builtin(t)
	tests := []struct {
		text string
		want bool
	}{
		{"Placement fee: 300 USD", true},
		{"No placement fee", false},
		{"We do not charge any placement fee", false},               // "do not" 2 words, window 3
		{"No experience or degree needed, placement fee 300", true}, // negation too far
		{"No experience needed.\nPlacement fee 300", true},
		{"Placement fee is paid by employer", false}, // after-negation, two words
		{"placement fee placement fee", true},
	}
	for _, tt := range tests {
		if got := c.Fires("fees.named_fee", tt.text); got != tt.want {
			t.Errorf("Fires(fees.named_fee, %q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

// TestNegationIdioms: a negation word inside an idiom of $notneg ("قبل ما"
// is "before", "না হলে" is "otherwise") negates nothing, while the same word
// alone still does.
func TestNegationIdioms(t *testing.T) {
	c := builtin(t)
	tests := []struct {
		rule, text string
		want       bool
	}{
		{"fees.amount_paid_first", "ادفع 500 ريال قبل ما تسافر", true},
		{"fees.amount_paid_first", "ما ادفع 500 ريال", false},
		{"documents.passport_with_holder", "الجواز عند الكفيل قبل ما تبدأ الشغل", true},
		{"documents.passport_with_holder", "الجواز ما عند الكفيل", false},
		{"fees.amount_paid_first", "২ লাখ টাকা জমা দিতে হবে না হলে সুযোগ হারাবেন", true},
		{"fees.amount_paid_first", "২ লাখ টাকা জমা দিতে হবে না", false},
		{"fees.amount_paid_first", "2 lakh jama karo nahi to seat cancel", true},
		// A match through a prefix looks for negations from its word's start.
		{"irregular.visit_visa_work", "magtrabaho gamit ang tourist visa", true},
		{"irregular.visit_visa_work", "bawal magtrabaho gamit ang tourist visa", false},
		{"irregular.visit_visa_work", "العمل بتأشيرة الزيارة", true},
		{"irregular.visit_visa_work", "لا يسمح بالعمل بتأشيرة الزيارة", false},
	}
	for _, tt := range tests {
		if got := c.Fires(tt.rule, tt.text); got != tt.want {
			t.Errorf("Fires(%s, %q) = %v, want %v", tt.rule, tt.text, got, tt.want)
		}
	}
}

// TestProximityPartners: a negated pair does not hide another partner of
// the same word, and a suffixed word ends where the word ends, so the word
// after it is seen by the after-window.
func TestProximityPartners(t *testing.T) {
	c := builtin(t)
	tests := []struct {
		rule, text string
		want       bool
	}{
		{"fees.amount_paid_first", "tak perlu pengalaman, bayar yuran RM4,500 dahulu sebelum terbang", true},
		{"fees.amount_paid_first", "tak perlu bayar RM4,500", false},
		{"vulnerable.feature_minor_age", "girls 16 years old", true},
		{"vulnerable.feature_minor_age", "16 years experience", false},         // "year|s" used to end before the s
		{"documents.passport_kept", "paspor disimpankan majikan", true},        // Malay -kan after a 4+ byte stem
		{"documents.passport_kept", "ang pasaporte ay nagtatago sa amo", true}, // Tagalog nag- + reduplicated "ta"
		{"documents.passport_kept", "ang pasaporte ay tatago ng amo", true},    // the reduplicated syllable alone
		{"fees.named_fee", "coffee and feedback", false},                       // no prefix on short words
		{"anonymous.messenger_only", "makipag-ugnayan sa Viber lamang", true},
	}
	for _, tt := range tests {
		if got := c.Fires(tt.rule, tt.text); got != tt.want {
			t.Errorf("Fires(%s, %q) = %v, want %v", tt.rule, tt.text, got, tt.want)
		}
	}
}

func TestLanguage(t *testing.T) {
	c := builtin(t)
	tests := []struct{ text, want string }{
		{"عاملة منزلية للتنازل كينية - الرياض", "ar"},
		{"سعودی عرب آزاد ویزا دستیاب ہے", "ur"},
		{"सऊदी अरब आज़ाद वीज़ा उपलब्ध है और यह आपके लिए", "hi"},
		{"साउदी अरब फ्री भिसा उपलब्ध छ, तपाईं सम्पर्क गर्नुहोस्", "ne"},
		{"সৌদি আরব ফ্রি ভিসা", "bn"},
		{"ወደ ሳውዲ አረቢያ የቤት ሰራተኞች", "am"},
		{"කුවේට් ගෘහ සේවිකා රැකියා", "si"},
		{"We are hiring electricians for our project in Doha, apply with your CV", "en"},
		{"Nous recrutons des serveurs pour un hôtel à Dubaï, envoyez votre CV", "fr"},
		{"Tunahitaji wafanyakazi wa kazi za ndani na mshahara ni mzuri kwa wiki", "sw"},
		{"Naghahanap kami ng kasambahay para sa pamilya namin sa Dubai", "tl"},
		{"5addama filipiniya lel tanazol, 3umrha 30 sana, tajruba youmain", "ar-Latn"},
		{"Saudia azad visa available, kisi bhi kafeel ke paas kaam karo, jaldi contact karein", "ur-Latn"},
		{"Lowongan kerja di Arab Saudi, gaji besar, berangkat cepat, tidak perlu pengalaman", "id"},
	}
	for _, tt := range tests {
		if got := c.Classify(recruitscan.Ad{Body: tt.text}).Lang; got != tt.want {
			t.Errorf("Lang(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
	mixed := c.Classify(recruitscan.Ad{Title: "Housemaid for transfer / خادمة للتنازل", Body: "Transfer price 13,000 SAR – مبلغ التنازل، تجربة ٣ أيام، الجواز عندنا"})
	if len(mixed.Langs) != 2 {
		t.Errorf("mixed post: Langs = %v, want two", mixed.Langs)
	}
}

func TestEntities(t *testing.T) {
	c := builtin(t)
	ad := recruitscan.Ad{
		Title: "Housemaid – Kuwait",
		Body: "Transfer 850 د.ك, salary 120 KD. WhatsApp ٥٠٠٠ ١٤٢٧ or +974 5555 0148, wa.me/966555500127, " +
			"Telegram @visa_hurra_ksa555, mail HR@Example-Agency.com, https://t.me/jobs_ksa555. Fee $450, ₹1,35,000",
	}
	v := c.Classify(ad)
	got := map[string]bool{}
	for _, e := range v.Entities {
		got[string(e.Kind)+" "+e.Value] = true
		src := ad.Body
		if e.Field == recruitscan.FieldTitle {
			src = ad.Title
		}
		if src[e.Start:e.End] != e.Text {
			t.Errorf("entity %+v: span text %q", e, src[e.Start:e.End])
		}
	}
	for _, w := range []string{"money 850 KWD", "money 120 KWD", "phone +97455550148", "whatsapp +966555500127",
		"handle visa_hurra_ksa555", "email hr@example-agency.com", "telegram jobs_ksa555", "money 450 USD", "money 135000 INR"} {
		if !got[w] {
			t.Errorf("missing entity %q; got %v", w, got)
		}
	}
}

// TestConcurrentDeterministic: verdicts from 8 goroutines at once equal
// the sequential ones (run under -race by make test).
func TestConcurrentDeterministic(t *testing.T) {
	c := builtin(t)
	ads := devAds(t)
	want := make([]recruitscan.Verdict, len(ads))
	for i, a := range ads {
		want[i] = c.Classify(a)
	}
	errs := make(chan string, 8)
	for g := 0; g < 8; g++ {
		go func(g int) {
			for k := range ads {
				i := (k + g*37) % len(ads)
				if got := c.Classify(ads[i]); !reflect.DeepEqual(got, want[i]) {
					errs <- ads[i].ID
					return
				}
			}
			errs <- ""
		}(g)
	}
	for g := 0; g < 8; g++ {
		if id := <-errs; id != "" {
			t.Errorf("verdict for %s differs when classified concurrently", id)
		}
	}
}

// TestModelHits: the text model's indicators come as hits that explain
// themselves (the words that weighed most, located in the original text),
// count in the score, and change the verdict's version.
func TestModelHits(t *testing.T) {
	with, without := builtinWithModel(t), builtin(t)
	m := with.model
	ad := recruitscan.Ad{Title: "Kazi ya ndani Dubai", Body: "Wasichana wa kazi za ndani wanahitajika Dubai, safari wiki ijayo"}
	v, v0 := with.Classify(ad), without.Classify(ad)
	var model []recruitscan.Hit
	for _, h := range v.Hits {
		if strings.HasPrefix(h.Rule, "model.") {
			model = append(model, h)
		}
	}
	if len(model) == 0 {
		t.Fatalf("no model hits: %+v", v.Hits)
	}
	for _, h := range model {
		src := ad.Body
		if h.Field == recruitscan.FieldTitle {
			src = ad.Title
		}
		if src[h.Start:h.End] != h.Text || h.Rule != "model."+string(h.Indicator) || !strings.Contains(h.Description, "probability") {
			t.Errorf("model hit %+v", h)
		}
	}
	if v.Score < v0.Score {
		t.Errorf("score with the model %.2f < without %.2f", v.Score, v0.Score)
	}
	if v.RulesVersion == v0.RulesVersion || !strings.HasSuffix(v.RulesVersion, m.Version()) {
		t.Errorf("versions %q and %q", v.RulesVersion, v0.RulesVersion)
	}
	// Flagged by the rules alone: the model is skipped.
	ad.Body += ", gharama za viza ulipe mwenyewe"
	if v := with.Classify(ad); !v.Flagged || slices.ContainsFunc(v.Hits, func(h recruitscan.Hit) bool { return strings.HasPrefix(h.Rule, "model.") }) {
		t.Errorf("flagged by the rules alone: level %v, hits %+v", v.Level, v.Hits)
	}
	// Match is the rules alone, for the matching benchmark.
	for _, h := range with.Match(ad.Title, ad.Body).Hits {
		if strings.HasPrefix(h.Rule, "model.") {
			t.Errorf("Match returned a model hit %+v", h)
		}
	}
}

// TestWithClitics: unless-lists match Arabic words behind a proclitic, but
// never shrink a word to a two-letter negation.
func TestWithClitics(t *testing.T) {
	set := map[string]bool{"جواز": true, "ما": true, "لن": true}
	in := func(b []byte) bool { return set[string(b)] }
	for w, want := range map[string]bool{"جواز": true, "بجواز": true, "والجواز": true, "بالجواز": true, "كما": false, "فما": false, "ولن": false, "سفر": false, "وجوازه": false} {
		if got := withClitics([]byte(w), in); got != want {
			t.Errorf("withClitics(%q) = %v, want %v", w, got, want)
		}
	}
}
