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
// A minimal use (Example runs it on the embedded server):
//
//	c, err := store.Connect(ctx, "redis://127.0.0.1:6379/0")
//	st, _ := store.New(store.Config{Client: c})
//	st.AppendAd(ctx, ad)                                     // crawler
//	batch, _ := st.ReadAds(ctx, "worker-1", 10, time.Second) // classifier
//	for _, a := range batch {
//		st.SaveResult(ctx, a.MsgID, a.Ad, classify(a.Ad)) // stores, queues if flagged, acks
//	}
//	it, _ := st.ClaimNext(ctx, amina)                        // reviewer
//	st.Decide(ctx, it.ID, amina, recruitscan.DecisionConfirm, "asks for a fee")
//
// Crawl workers in several processes share st.Frontier(), a Redis
// implementation of the crawler's frontier contract.
//
// Errors wrap the root package's sentinels (ErrNotFound, ErrQueueEmpty,
// ErrNotLeaseHolder, ErrAlreadyDecided, ErrForbidden, ErrInvalid,
// ErrUnavailable) with the operation's name.
package store
