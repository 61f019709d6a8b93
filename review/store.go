package review

import (
	"context"
	"time"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/store"
)

// Store is the part of *store.Store that review calls. Errors are the
// store's: they wrap the root package's sentinels (recruitscan.ErrNotFound,
// ErrQueueEmpty, ErrNotLeaseHolder, ErrAlreadyDecided, ErrForbidden,
// ErrInvalid, ErrUnavailable), which the server maps to HTTP statuses.
type Store interface {
	// Queue lists review items in queue order with the total matching f.
	Queue(ctx context.Context, f store.QueueFilter) ([]recruitscan.ReviewItem, int, error)
	QueueStats(ctx context.Context) (recruitscan.QueueStats, error)
	// Item returns one review item; ErrNotFound when the ad was never queued.
	Item(ctx context.Context, id string) (recruitscan.ReviewItem, error)
	// ClaimNext leases the next item to a; ErrQueueEmpty when none waits.
	ClaimNext(ctx context.Context, a store.Actor) (recruitscan.ReviewItem, error)
	// Heartbeat extends a's lease; ErrNotLeaseHolder when a does not hold it.
	Heartbeat(ctx context.Context, id string, a store.Actor) (time.Time, error)
	// Decide records a's decision (and audits it); ErrNotLeaseHolder,
	// ErrAlreadyDecided.
	Decide(ctx context.Context, id string, a store.Actor, d recruitscan.Decision, note string) (recruitscan.ReviewItem, error)
	// Reassign moves an item's lease to another reviewer; ErrForbidden for
	// reviewers.
	Reassign(ctx context.Context, id string, lead store.Actor, to string) error
	AddNote(ctx context.Context, id string, a store.Actor, note string) error
	// Claims lists every current claim.
	Claims(ctx context.Context) ([]recruitscan.ReviewItem, error)
	// Decisions lists the audit entries of decisions made in [from, to).
	Decisions(ctx context.Context, from, to time.Time) ([]recruitscan.AuditEntry, error)
	// AppendAudit records actions outside the queue (login, tokens, exports).
	AppendAudit(ctx context.Context, e recruitscan.AuditEntry) error
	// Audit returns an item's history, at most n entries.
	Audit(ctx context.Context, itemID string, n int) ([]recruitscan.AuditEntry, error)
	// Ad returns a stored ad and its verdict; ErrNotFound.
	Ad(ctx context.Context, id string) (store.StoredAd, error)
	// RawBody returns the ad's raw capture (nil when there is none).
	RawBody(ctx context.Context, id string) ([]byte, error)
	// AdByURL finds an ad by its URL; ErrNotFound.
	AdByURL(ctx context.Context, url string) (store.StoredAd, error)
	// AdsWithEntity lists up to n ids of ads that carry the entity.
	AdsWithEntity(ctx context.Context, kind recruitscan.EntityKind, value string, n int) ([]string, error)
}

var _ Store = (*store.Store)(nil)
