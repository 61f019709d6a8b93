package review

import (
	"net/http"

	"github.com/recruitscan/recruitscan"
)

const (
	anyone   recruitscan.Role = ""
	reviewer                  = recruitscan.RoleReviewer
	lead                      = recruitscan.RoleLead
	admin                     = recruitscan.RoleAdmin
)

// routes is the route table: every page and API call with the least role
// it needs. Roles are checked here, server-side, before any handler runs;
// handlers check only finer rules (lease holder, own item).
func (s *Server) routes() []route {
	return []route{
		// Pages.
		{"GET /{$}", anyone, false, s.home},
		{"GET /login", anyone, false, s.loginPage},
		{"POST /login", anyone, false, s.loginSubmit},
		{"POST /logout", reviewer, false, s.logout},
		{"GET /static/", anyone, false, s.static},
		{"GET /queue", reviewer, false, s.queuePage},
		{"POST /queue/claim", reviewer, false, s.claimPage},
		{"GET /items/{id}", reviewer, false, s.itemPage},
		{"GET /items/{id}/raw", reviewer, false, s.rawPage},
		{"POST /items/{id}/decision", reviewer, false, s.decidePage},
		{"POST /items/{id}/note", reviewer, false, s.notePage},
		{"POST /items/{id}/reassign", lead, false, s.reassignPage},
		{"GET /entities", reviewer, false, s.entityPage},
		{"GET /search", reviewer, false, s.searchPage},
		{"GET /lead", lead, false, s.leadPage},
		{"GET /operator", lead, false, s.operatorPage},
		{"GET /admin", admin, false, s.adminPage},
		{"POST /admin/tokens", admin, false, s.createTokenPage},
		{"POST /admin/tokens/{id}/revoke", admin, false, s.revokeTokenPage},

		// JSON API (documented in openapi.json; a test keeps them equal).
		{"GET /api/v1/openapi.json", anyone, true, s.openAPI},
		{"GET /api/v1/me", reviewer, true, s.apiMe},
		{"GET /api/v1/queue", reviewer, true, s.apiQueue},
		{"GET /api/v1/queue/stats", reviewer, true, s.apiQueueStats},
		{"POST /api/v1/queue/claim", reviewer, true, s.apiClaim},
		{"GET /api/v1/items/{id}", reviewer, true, s.apiItem},
		{"GET /api/v1/items/{id}/history", reviewer, true, s.apiHistory},
		{"POST /api/v1/items/{id}/decision", reviewer, true, s.apiDecide},
		{"POST /api/v1/items/{id}/note", reviewer, true, s.apiNote},
		{"POST /api/v1/items/{id}/heartbeat", reviewer, true, s.apiHeartbeat},
		{"POST /api/v1/items/{id}/reassign", lead, true, s.apiReassign},
		{"GET /api/v1/entities", reviewer, true, s.apiEntities},
		{"GET /api/v1/ads", reviewer, true, s.apiAdByURL},
		{"GET /api/v1/claims", lead, true, s.apiClaims},
		{"GET /api/v1/stats/reviewers", lead, true, s.apiReviewerStats},
		{"GET /api/v1/stats/rules", lead, true, s.apiRuleStats},
		{"GET /api/v1/sources", lead, true, s.apiSources},
		{"GET /api/v1/export/decisions", lead, true, s.apiExportDecisions},
		{"GET /api/v1/export/evidence", lead, true, s.apiExportEvidence},
		{"GET /api/v1/tokens", admin, true, s.apiTokens},
		{"POST /api/v1/tokens", admin, true, s.apiCreateToken},
		{"DELETE /api/v1/tokens/{id}", admin, true, s.apiRevokeToken},
	}
}

func (s *Server) home(w http.ResponseWriter, r *http.Request, p *principal) {
	if p == nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/queue", http.StatusSeeOther)
}
