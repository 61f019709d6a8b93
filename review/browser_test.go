package review

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// chromePath is Debian's Chromium unless RECRUITSCAN_CHROME names another.
// A missing browser fails the test with the command that installs it.
func chromePath(t *testing.T) string {
	p := os.Getenv("RECRUITSCAN_CHROME")
	if p == "" {
		p = "/usr/bin/chromium"
	}
	if fi, err := os.Stat(p); err != nil || fi.IsDir() {
		t.Fatalf("browser tests need Chromium at %s (%v): install it with `sudo apt-get install -y chromium` "+
			"(make test does this when run as root), or set RECRUITSCAN_CHROME to a Chromium/Chrome binary", p, err)
	}
	return p
}

// browser starts a fresh headless Chromium and records every request it
// makes and every dialog a script opens.
type browser struct {
	t        *testing.T
	ctx      context.Context
	mu       sync.Mutex
	requests []string
	dialogs  []string
	shots    string
}

func newBrowser(t *testing.T) *browser {
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromePath(t)),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	b := &browser{t: t, ctx: ctx, shots: screenshotDir(t)}
	err := chromedp.Listen(ctx, func(ev any) {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			b.requests = append(b.requests, ev.Request.URL)
		case *page.EventJavascriptDialogOpening:
			b.dialogs = append(b.dialogs, ev.Message)
		}
	})
	if err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return b
}

// screenshotDir is $RECRUITSCAN_ARTIFACTS or testdata/screenshots.
func screenshotDir(t *testing.T) string {
	d := os.Getenv("RECRUITSCAN_ARTIFACTS")
	if d == "" {
		d = filepath.Join("testdata", "screenshots")
	}
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatal(err)
	}
	return d
}

func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.shot("failed-" + strings.ReplaceAll(what, " ", "-"))
		b.t.Fatalf("%s: %v", what, err)
	}
}

func eval[T any](b *browser, js string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// waitFor evaluates js until it is true (errors while a page navigates
// are retried), for up to 15 s.
func (b *browser) waitFor(what, js string) {
	b.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	var err error
	for time.Now().Before(deadline) {
		var ok bool
		if ok, err = chromedp.Run(b.ctx, chromedp.Evaluate[bool](js)); err == nil && ok {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.shot("failed-" + strings.ReplaceAll(what, " ", "-"))
	loc, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string]("location.href"))
	b.t.Fatalf("wait for %s (%s): still false (last error %v) at %s", what, js, err, loc)
}

func (b *browser) shot(name string) {
	buf, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return
	}
	p := filepath.Join(b.shots, name+".png")
	if err := os.WriteFile(p, buf, 0o644); err != nil {
		b.t.Errorf("save screenshot: %v", err)
	}
	b.t.Logf("screenshot %s", p)
}

// key presses one shortcut key the way a keyboard does: one keyDown that
// carries the text, then keyUp. (chromedp.KeyEvent sends the character as
// a separate "char" event, which a page cannot cancel from keydown, so a
// shortcut that moves focus to a text field would type into it.)
func (b *browser) key(k string) {
	b.t.Helper()
	v, ok := kb.Keys[[]rune(k)[0]]
	if !ok {
		b.t.Fatalf("no key for %q", k)
	}
	down := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyDown, Key: v.Key, Code: v.Code,
		Text: v.Text, UnmodifiedText: v.Unmodified, WindowsVirtualKeyCode: v.Windows, NativeVirtualKeyCode: v.Native}
	if v.Shift {
		down.Modifiers = 8 // shift
	}
	up := down
	up.Type, up.Text, up.UnmodifiedText = input.DispatchKeyEventTypeKeyUp, "", ""
	for _, p := range []input.DispatchKeyEventParams{down, up} {
		if _, err := chromedp.Call(b.ctx, input.DispatchKeyEvent, p); err != nil {
			b.t.Fatalf("press %q: %v", k, err)
		}
	}
}

// foreignOrigin is a server on another origin that counts every request:
// ads point their images, frames and styles at it.
func foreignOrigin(t *testing.T) (*httptest.Server, *atomic.Int64) {
	var hits atomic.Int64
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<script>parent.__xss=9</script>"))
	}))
	t.Cleanup(s.Close)
	return s, &hits
}

func (b *browser) login(base, user string) {
	b.t.Helper()
	b.do("open login", chromedp.Navigate(base+"/login"))
	b.do("fill login",
		chromedp.SendKeys(chromedp.ID("username"), user),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Click(chromedp.ID("login")),
	)
	b.waitFor("queue after login", `location.pathname === "/queue" && document.readyState === "complete"`)
}

// TestBrowserReviewFlow: log in, claim next, read the Arabic ad laid out
// right to left with its highlights, follow the shared phone number to the
// linked ad, decide with the keyboard and see the item leave the queue.
func TestBrowserReviewFlow(t *testing.T) {
	e := newEnv(t)
	foreign, _ := foreignOrigin(t)
	e.seed(foreign.URL)
	b := newBrowser(t)
	b.login(e.ts.URL, "rev1")
	if n := eval[int](b, `document.querySelectorAll("#items tr.row").length`); n != 4 {
		t.Errorf("queue shows %d rows, want 4", n)
	}
	b.shot("01-queue")

	// j moves the selection; space claims the next item (rev1 prefers Arabic).
	b.key("j")
	if sel := eval[string](b, `document.querySelector("#items tr.selected").dataset.id`); sel == "" {
		t.Error("j selected no row")
	}
	b.key(" ")
	b.waitFor("claimed Arabic ad", `location.pathname === "/items/`+idArabic+`" && !!document.getElementById("ad-body")`)
	if got := eval[string](b, `getComputedStyle(document.getElementById("ad-body")).direction`); got != "rtl" {
		t.Errorf("Arabic ad body direction %q, want rtl", got)
	}
	if !eval[bool](b, `document.getElementById("ad-body").matches(":dir(rtl)") && document.getElementById("ad-title").matches(":dir(rtl)")`) {
		t.Error("Arabic title/body do not resolve to :dir(rtl)")
	}
	marks := eval[[]string](b, `[...document.querySelectorAll("#ad-body mark.hit")].map(m => m.dataset.indicator + "|" + m.textContent)`)
	want := []string{"visa_trading|تأشيرة حرة للبيع", "worker_pays_fees|الدفع على العامل", "document_retention|الجواز يبقى مع الكفيل", "anonymous_contact|واتساب فقط"}
	if strings.Join(marks, ",") != strings.Join(want, ",") {
		t.Errorf("highlights %q, want %q", marks, want)
	}
	// The mark sits right of the text that follows it: laid out RTL.
	if !eval[bool](b, `(() => { const m = document.querySelector("#ad-body mark.hit").getBoundingClientRect(); const d = document.getElementById("ad-body").getBoundingClientRect(); return d.right - m.right < m.left - d.left; })()`) {
		t.Error("first highlight is not at the right edge of the RTL paragraph")
	}
	if got := eval[string](b, `(() => { const c = document.querySelector("#ad-body bdi.contact"); return c.textContent + " " + getComputedStyle(c).direction; })()`); got != phone+" ltr" {
		t.Errorf("phone in the Arabic text: %q, want it isolated left to right", got)
	}
	b.key("j")
	if got := eval[string](b, `document.activeElement.tagName + " " + document.activeElement.title`); !strings.HasPrefix(got, "MARK visa_trading:") {
		t.Errorf("j focused %q, want the first highlight with its explanation", got)
	}
	if lease := eval[string](b, `document.getElementById("lease").textContent`); !strings.Contains(lease, "left") {
		t.Errorf("lease countdown shows %q", lease)
	}
	b.shot("02-arabic-ad-rtl-highlights")

	// The shared phone number links to the English ad on another source.
	b.do("open linked ad", chromedp.Click(chromedp.CSS(`.entity[data-kind="phone"] a.linked-ad`)))
	b.waitFor("linked ad", `location.pathname === "/items/`+idEnglish+`" && !!document.getElementById("ad-body")`)
	if got := eval[string](b, `getComputedStyle(document.getElementById("ad-body")).direction`); got != "ltr" {
		t.Errorf("English ad direction %q, want ltr", got)
	}
	b.shot("03-linked-ad-by-phone")
	b.do("back to the Arabic ad", chromedp.Navigate(e.ts.URL+"/items/"+idArabic))
	b.waitFor("Arabic ad again", `!!document.getElementById("decide")`)

	// n focuses the note; typing there does not trigger shortcuts.
	b.key("n")
	b.do("type note", chromedp.KeyEvent("checked: same phone"))
	if got := eval[string](b, `document.getElementById("note").value`); got != "checked: same phone" {
		t.Errorf("note %q: typing leaked into shortcuts?", got)
	}
	b.do("leave note", chromedp.KeyEvent(kb.Escape))
	b.do("uncheck claim-next", chromedp.Click(chromedp.ID("then-next")))
	b.key("c")
	b.waitFor("queue after decision", `location.pathname === "/queue" && !!document.getElementById("items")`)
	rows := eval[[]string](b, `[...document.querySelectorAll("#items tr.row")].map(r => r.dataset.id)`)
	for _, id := range rows {
		if id == idArabic {
			t.Errorf("decided Arabic item still listed in the queue")
		}
	}
	if len(rows) != 3 {
		t.Errorf("queue after decision has %d rows, want 3", len(rows))
	}
	b.shot("04-queue-after-decision")
	it, err := e.st.Item(t.Context(), idArabic)
	if err != nil || it.Decision != "confirm" || it.DecidedBy != "rev1" || it.Note != "checked: same phone" {
		t.Errorf("stored item %+v (%v): want confirmed by rev1 with the note", it, err)
	}

	// Urdu reads right to left too.
	b.do("open the Urdu ad", chromedp.Navigate(e.ts.URL+"/items/"+idUrdu))
	b.waitFor("Urdu ad", `!!document.getElementById("ad-body")`)
	if got := eval[string](b, `(() => { const d = document.getElementById("ad-body"); return d.lang + " " + getComputedStyle(d).direction + " " + document.querySelectorAll("#ad-body mark.hit").length; })()`); got != "ur rtl 1" {
		t.Errorf("Urdu ad body: %q, want lang ur, rtl, one highlight", got)
	}
	b.shot("06-urdu-ad-rtl")

	// ? opens the help.
	b.key("?")
	if eval[bool](b, `document.getElementById("help").hidden`) {
		t.Error("? did not open the help")
	}
}

// TestBrowserXSSInert opens the hostile ad in the queue and the ad view:
// no script runs, no dialog opens, no request leaves for another origin.
func TestBrowserXSSInert(t *testing.T) {
	e := newEnv(t)
	foreign, hits := foreignOrigin(t)
	e.seed(foreign.URL)
	b := newBrowser(t)
	b.login(e.ts.URL, "lead1")
	b.do("open XSS ad", chromedp.Navigate(e.ts.URL+"/items/"+idXSS))
	b.waitFor("XSS ad", `document.readyState === "complete" && !!document.getElementById("ad-body")`)
	b.do("open raw capture", chromedp.Click(chromedp.CSS("#evidence summary")))
	// Try the injected link and overlay, if they existed as elements.
	b.do("click around", chromedp.Click(chromedp.ID("ad-body")), chromedp.Sleep(300*time.Millisecond))
	b.shot("05-xss-ad-inert")
	checks := map[string]string{
		"no script ran":            `window.__xss === undefined`,
		"title shown as text":      `document.getElementById("ad-title").textContent.includes("<script>window.__xss=1</script>")`,
		"no injected elements":     `document.querySelectorAll("#main script, #main iframe, #main img, #main style, #main object, #main embed, #ad-body a").length === 0`,
		"bidi override labelled":   `document.querySelectorAll("#ad-body .bidi").length === 4 && !document.body.innerHTML.includes("\u202E")`,
		"markup hit highlighted":   `[...document.querySelectorAll("#ad-body mark.hit")].some(m => m.textContent.startsWith("<iframe"))`,
		"raw capture is text":      `document.getElementById("raw").textContent.startsWith("<html><body><script>")`,
		"only app.js is a script":  `document.scripts.length === 1 && document.scripts[0].src.endsWith("/static/app.js")`,
		"javascript: URL not link": `document.querySelectorAll('a[href^="javascript"]').length === 0`,
	}
	for name, js := range checks {
		if !eval[bool](b, js) {
			t.Errorf("%s: %s is false", name, js)
		}
	}
	b.do("queue with the XSS title", chromedp.Navigate(e.ts.URL+"/queue"))
	b.waitFor("queue", `document.readyState === "complete" && !!document.getElementById("items")`)
	if !eval[bool](b, `window.__xss === undefined`) {
		t.Error("a script ran on the queue page")
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, u := range b.requests {
		if !strings.HasPrefix(u, e.ts.URL+"/") && !strings.HasPrefix(u, "data:") {
			t.Errorf("browser requested %s, outside %s", u, e.ts.URL)
		}
	}
	if len(b.dialogs) > 0 {
		t.Errorf("dialogs opened: %q", b.dialogs)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the foreign origin got %d requests", n)
	}
	if len(b.requests) == 0 {
		t.Error("recorded no requests at all: is the network listener working?")
	}
}

// TestBrowserHeartbeat: an open claimed item keeps its lease alive while
// the reviewer is active. The lease is 20 s, so the page beats every 5 s.
func TestBrowserHeartbeat(t *testing.T) {
	testLease = 20 * time.Second
	t.Cleanup(func() { testLease = 10 * time.Minute })
	e := newEnv(t)
	e.seed("")
	b := newBrowser(t)
	b.login(e.ts.URL, "rev1")
	b.key(" ")
	b.waitFor("claimed item", `!!document.getElementById("lease")`)
	id := eval[string](b, `document.getElementById("review").dataset.itemId`)
	if got := eval[string](b, `document.getElementById("lease").dataset.heartbeatSeconds`); got != "5" {
		t.Errorf("heartbeat every %q s, want 5", got)
	}
	e.clk.Advance(12 * time.Second) // server time moves; the lease has 8 s left
	want := e.clk.Now().Add(testLease)
	deadline := time.Now().Add(15 * time.Second)
	for {
		b.key("k") // activity
		it, err := e.st.Item(t.Context(), id)
		if err == nil && it.LeaseUntil.Equal(want) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("lease until %v (%v), want it extended to %v by a heartbeat", it.LeaseUntil, err, want)
		}
		time.Sleep(500 * time.Millisecond)
	}
	if got := eval[string](b, `document.getElementById("lease").textContent`); !strings.HasPrefix(got, "0:") || !strings.HasSuffix(got, "left") {
		t.Errorf("countdown after heartbeat: %q", got)
	}
}
