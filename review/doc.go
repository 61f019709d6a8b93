// Package review serves the reviewer web UI and the JSON API under
// /api/v1/: the review queue, the ad view with every hit highlighted in
// the original text, linked ads, evidence and history, lead and operator
// views, decision and evidence exports, and API tokens.
//
// Access control: users (reviewer < lead < admin) log in with a bcrypt
// password at /login and get a session cookie (HttpOnly, SameSite=Strict,
// Secure under TLS, with expiry); every state change made with that cookie
// needs the session's CSRF token (form field "csrf" or header
// X-CSRF-Token). Automation uses `Authorization: Bearer <token>` (tokens
// from Config.Tokens or created by an admin), which needs no CSRF token.
// Roles are checked server-side on every route (see routes.go); failed
// logins are rate-limited per user name and per client address.
//
// Ad content is hostile. Every ad-derived string goes through
// html/template, so it is escaped; bidi override and isolate characters
// are shown as visible labels; the raw capture is shown as text; the
// Content-Security-Policy allows only this origin's script and style (no
// inline script), so nothing an ad carries can run or load anything.
//
// A minimal server:
//
//	st, _ := store.New(store.Config{Client: rdb})
//	hash, _ := review.HashPassword(os.Getenv("RECRUITSCAN_ADMIN_PASSWORD"))
//	srv, err := review.New(review.Config{
//		Store:  st,
//		Redis:  rdb, // sessions and admin-made tokens; nil keeps them in memory
//		Users:  []review.User{{Name: "admin", Role: recruitscan.RoleAdmin, PasswordHash: hash}},
//		Tokens: []review.Token{{Name: "ci", Role: recruitscan.RoleReviewer, Secret: os.Getenv("RECRUITSCAN_API_TOKEN")}},
//	})
//	if err != nil {
//		log.Fatal(err)
//	}
//	mux := http.NewServeMux()
//	mux.Handle("/", srv.Handler())
//	log.Fatal(http.ListenAndServe("127.0.0.1:8080", mux))
package review
