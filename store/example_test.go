package store_test

import (
	"context"
	"fmt"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/store"
)

// A crawler appends an ad, a classifier worker stores its verdict (which
// queues it), and a reviewer claims and decides it, on the embedded server.
func Example() {
	ctx := context.Background()
	emb, err := store.StartEmbedded()
	if err != nil {
		panic(err)
	}
	defer emb.Close()
	c, err := store.Connect(ctx, emb.URL())
	if err != nil {
		panic(err)
	}
	defer c.Close()
	st, _ := store.New(store.Config{Client: c})

	ad := recruitscan.Ad{ID: recruitscan.AdID("board", "https://jobs.example/1"), Title: "Visa for sale", Body: "pay 9,500 SAR"}
	st.AppendAd(ctx, ad)

	batch, _ := st.ReadAds(ctx, "worker-1", 10, 0)
	for _, a := range batch {
		v := recruitscan.Verdict{Lang: "en", Level: recruitscan.LevelHigh, Score: 7, Flagged: true,
			Indicators: []recruitscan.Indicator{recruitscan.VisaTrading}}
		out, _ := st.SaveResult(ctx, a.MsgID, a.Ad, v)
		fmt.Println("queued:", out.Queued)
	}

	amina := store.Actor{Name: "amina", Role: recruitscan.RoleReviewer, Languages: []string{"ar", "en"}}
	it, _ := st.ClaimNext(ctx, amina)
	it, _ = st.Decide(ctx, it.ID, amina, recruitscan.DecisionConfirm, "asks for a fee")
	fmt.Println(it.Title, "→", it.Status, it.Decision)
	// Output:
	// queued: true
	// Visa for sale → decided confirm
}
