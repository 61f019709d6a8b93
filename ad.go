package recruitscan

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Ad is one job advertisement as collected from a source: a detail page, a
// listing card, a feed item or a channel post. Its text is hostile input: it
// is never executed and never trusted as HTML.
type Ad struct {
	// ID identifies the ad across crawls: see AdID. Re-posts of the same
	// URL keep the ID; a changed text changes ContentHash.
	ID       string    `json:"id"`
	SourceID string    `json:"source_id,omitempty"`
	URL      string    `json:"url,omitempty"`
	Title    string    `json:"title"`
	Body     string    `json:"body"`
	Employer string    `json:"employer,omitempty"`
	Location string    `json:"location,omitempty"`
	Salary   string    `json:"salary,omitempty"`
	Contact  string    `json:"contact,omitempty"`
	PostedAt time.Time `json:"posted_at,omitzero"`
	// Evidence is how and when the ad was captured; nil for ads that did
	// not come from a crawl (scan of a file).
	Evidence *Evidence `json:"evidence,omitempty"`
}

// Evidence is the capture record of an ad, kept so that a reviewer or an
// investigator can show later what the page said and when.
type Evidence struct {
	RequestURL  string            `json:"request_url"`
	FinalURL    string            `json:"final_url"`
	Redirects   []string          `json:"redirects,omitempty"`
	FetchedAt   time.Time         `json:"fetched_at"`
	Status      int               `json:"status"`
	Headers     map[string]string `json:"headers,omitempty"`
	ContentType string            `json:"content_type,omitempty"`
	// BodySHA256 is the hex SHA-256 of RawBody as received (decompressed
	// transfer encoding, before charset decoding).
	BodySHA256 string `json:"body_sha256"`
	// RawBody is the page as received. The store keeps it compressed.
	RawBody []byte `json:"-"`
}

// AdID derives a stable ad identity from its source and canonical URL (or,
// for a post without a URL, any stable key such as the post id).
func AdID(sourceID, canonicalKey string) string {
	h := sha256.Sum256([]byte(sourceID + "\x00" + canonicalKey))
	return hex.EncodeToString(h[:10])
}

// ContentHash is the hex SHA-256 of the ad's classified text: title, a NUL
// and body. Same content, same hash, same verdict.
func (a *Ad) ContentHash() string {
	h := sha256.New()
	h.Write([]byte(a.Title))
	h.Write([]byte{0})
	h.Write([]byte(a.Body))
	return hex.EncodeToString(h.Sum(nil))
}
