package recruitscan

import "errors"

// Public sentinel errors. Packages wrap them with %w and the operation's
// name; callers test with errors.Is.
var (
	// ErrNotFound: the ad, item, user or token does not exist.
	ErrNotFound = errors.New("not found")
	// ErrQueueEmpty: no review item is available to claim.
	ErrQueueEmpty = errors.New("review queue is empty")
	// ErrNotLeaseHolder: the actor does not hold the item's lease and is not a lead.
	ErrNotLeaseHolder = errors.New("item is leased to another reviewer")
	// ErrAlreadyDecided: the item already has a final decision.
	ErrAlreadyDecided = errors.New("item already decided")
	// ErrInvalid: a value failed validation (bad decision, level, config field).
	ErrInvalid = errors.New("invalid value")
	// ErrUnavailable: a backing service (Redis) cannot be reached.
	ErrUnavailable = errors.New("service unavailable")
	// ErrForbidden: the actor's role does not allow the action.
	ErrForbidden = errors.New("forbidden")
)
