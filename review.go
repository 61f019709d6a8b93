package recruitscan

import (
	"fmt"
	"time"
)

// Decision is a reviewer's answer on a review item.
type Decision string

// Decisions. SecondLook keeps the item open for another reviewer.
const (
	DecisionConfirm    Decision = "confirm"
	DecisionDismiss    Decision = "dismiss"
	DecisionEscalate   Decision = "escalate"
	DecisionSecondLook Decision = "needs-second-look"
)

// ParseDecision validates a decision name.
func ParseDecision(s string) (Decision, error) {
	switch d := Decision(s); d {
	case DecisionConfirm, DecisionDismiss, DecisionEscalate, DecisionSecondLook:
		return d, nil
	}
	return "", fmt.Errorf("parse decision %q: %w (want confirm, dismiss, escalate or needs-second-look)", s, ErrInvalid)
}

// ItemStatus is where a review item stands.
type ItemStatus string

// Item statuses.
const (
	StatusPending ItemStatus = "pending"
	StatusClaimed ItemStatus = "claimed"
	StatusSnoozed ItemStatus = "snoozed"
	StatusDecided ItemStatus = "decided"
)

// Role is a user's role; each includes the rights of those before it.
type Role string

// Roles.
const (
	RoleReviewer Role = "reviewer"
	RoleLead     Role = "lead"
	RoleAdmin    Role = "admin"
)

// Valid reports whether r is one of the roles.
func (r Role) Valid() bool {
	return r == RoleReviewer || r == RoleLead || r == RoleAdmin
}

// ReviewItem is a flagged ad waiting for, or past, human review. Its ID is
// the ad's ID: one ad, one item; a changed re-post updates the item.
type ReviewItem struct {
	ID          string      `json:"id"`
	AdID        string      `json:"ad_id"`
	ContentHash string      `json:"content_hash"`
	Version     int         `json:"version"`
	SourceID    string      `json:"source_id,omitempty"`
	URL         string      `json:"url,omitempty"`
	Title       string      `json:"title"`
	Lang        string      `json:"lang"`
	Level       Level       `json:"level"`
	Score       float64     `json:"score"`
	Indicators  []Indicator `json:"indicators"`
	Status      ItemStatus  `json:"status"`
	EnqueuedAt  time.Time   `json:"enqueued_at"`
	ClaimedBy   string      `json:"claimed_by,omitempty"`
	LeaseUntil  time.Time   `json:"lease_until,omitzero"`
	SnoozeUntil time.Time   `json:"snooze_until,omitzero"`
	Decision    Decision    `json:"decision,omitempty"`
	DecidedBy   string      `json:"decided_by,omitempty"`
	DecidedAt   time.Time   `json:"decided_at,omitzero"`
	Note        string      `json:"note,omitempty"`
}

// AuditEntry is one action in the append-only audit log.
type AuditEntry struct {
	ID     string    `json:"id"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
	ItemID string    `json:"item_id,omitempty"`
	Before string    `json:"before,omitempty"`
	After  string    `json:"after,omitempty"`
	Note   string    `json:"note,omitempty"`
}

// QueueStats is the review queue's shape, read at scrape time by metrics.
type QueueStats struct {
	// Depth counts items waiting (pending or claimed) by level and language.
	Depth map[Level]map[string]int
	// OldestPending is the enqueue time of the oldest waiting item; zero
	// when the queue is empty.
	OldestPending time.Time
}
