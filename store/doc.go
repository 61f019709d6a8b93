// Package store is everything recruitscan keeps in Redis: ads with their
// versions, verdicts and compressed evidence; the ad stream between
// crawlers and classifiers (a consumer group with reclaiming and a
// dead-letter stream); the review queue with leases; the append-only audit
// log; and the entity index that links ads sharing a phone, email or
// handle.
//
// The same code runs on the embedded server (StartEmbedded), a single
// Redis, a Sentinel-managed master or a Redis Cluster: key names come from
// keys.go, every multi-key change is one Lua script, and the keys a script
// touches share one {hash tag}. Time comes from the Config's Clock.
//
// A minimal use:
//
//	c, err := store.Connect(ctx, "redis://127.0.0.1:6379/0")
//	if err != nil { … }
//	st, _ := store.New(store.Config{Client: c})
//	msgID, _ := st.AppendAd(ctx, ad)                       // crawler
//	batch, _ := st.ReadAds(ctx, "worker-1", 10, time.Second) // classifier
//	for _, a := range batch {
//		st.SaveResult(ctx, a.MsgID, a.Ad, classify(a.Ad))   // stores, queues if flagged, acks
//	}
//	it, _ := st.ClaimNext(ctx, store.Actor{Name: "amina", Role: recruitscan.RoleReviewer, Languages: []string{"ar"}})
//	st.Decide(ctx, it.ID, reviewer, recruitscan.DecisionConfirm, "fee of 9,500 SAR") // reviewer
//
// Errors wrap the root package's sentinels (ErrNotFound, ErrQueueEmpty,
// ErrNotLeaseHolder, ErrAlreadyDecided, ErrForbidden, ErrInvalid,
// ErrUnavailable) with the operation's name.
package store
