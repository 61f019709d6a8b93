package review

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/recruitscan/recruitscan"
)

// TokenInfo describes an API token; the secret itself is never stored,
// only its SHA-256.
type TokenInfo struct {
	ID        string           `json:"id"`
	Name      string           `json:"name"`
	Role      recruitscan.Role `json:"role"`
	CreatedBy string           `json:"created_by,omitempty"`
	CreatedAt time.Time        `json:"created_at,omitzero"`
	// Bootstrap tokens come from the config and cannot be revoked here.
	Bootstrap bool `json:"bootstrap,omitempty"`
}

// tokenPrefix marks secrets made by this server, so that a leaked one is
// recognisable in logs and by secret scanners.
const tokenPrefix = "rst_"

// tokenStore keeps admin-created tokens in one hash (field: SHA-256 of the
// secret, value: TokenInfo JSON) beside the bootstrap tokens from Config.
type tokenStore struct {
	kv        kv
	key       string
	bootstrap map[string]TokenInfo // by SHA-256 of the secret
}

func newTokenStore(k kv, prefix string, boot []Token) (*tokenStore, error) {
	ts := &tokenStore{kv: k, key: prefix + ":review:tokens", bootstrap: map[string]TokenInfo{}}
	for i, t := range boot {
		if t.Name == "" || len(t.Secret) < 16 || !validRole(t.Role) {
			return nil, fmt.Errorf("tokens[%d] (%q): %w: want a name, a role and a secret of at least 16 characters", i, t.Name, recruitscan.ErrInvalid)
		}
		ts.bootstrap[sha256hex(t.Secret)] = TokenInfo{ID: "config-" + t.Name, Name: t.Name, Role: t.Role, Bootstrap: true}
	}
	return ts, nil
}

// lookup returns the token whose secret is given; ErrNotFound.
func (ts *tokenStore) lookup(ctx context.Context, secret string) (TokenInfo, error) {
	if secret == "" {
		return TokenInfo{}, fmt.Errorf("lookup token: %w", recruitscan.ErrNotFound)
	}
	h := sha256hex(secret)
	if t, ok := ts.bootstrap[h]; ok {
		return t, nil
	}
	b, err := ts.kv.hget(ctx, ts.key, h)
	if err != nil {
		return TokenInfo{}, fmt.Errorf("lookup token: %w", err)
	}
	var t TokenInfo
	if err := json.Unmarshal(b, &t); err != nil {
		return TokenInfo{}, fmt.Errorf("lookup token: %w: %v", recruitscan.ErrNotFound, err)
	}
	return t, nil
}

// create makes a new token and returns it with its secret (shown once).
func (ts *tokenStore) create(ctx context.Context, name string, role recruitscan.Role, by string, now time.Time) (TokenInfo, string, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 64 || !validRole(role) {
		return TokenInfo{}, "", fmt.Errorf("create token: %w: want a name (1-64 characters) and a role (reviewer, lead, admin)", recruitscan.ErrInvalid)
	}
	secret := tokenPrefix + randomToken(32)
	t := TokenInfo{ID: randomToken(9), Name: name, Role: role, CreatedBy: by, CreatedAt: now}
	b, _ := json.Marshal(t)
	if err := ts.kv.hset(ctx, ts.key, sha256hex(secret), b); err != nil {
		return TokenInfo{}, "", fmt.Errorf("create token: %w", err)
	}
	return t, secret, nil
}

// list returns every token, bootstrap ones first, then by creation.
func (ts *tokenStore) list(ctx context.Context) ([]TokenInfo, error) {
	var out []TokenInfo
	for _, t := range ts.bootstrap {
		out = append(out, t)
	}
	m, err := ts.kv.hgetall(ctx, ts.key)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	for _, v := range m {
		var t TokenInfo
		if json.Unmarshal([]byte(v), &t) == nil {
			out = append(out, t)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Bootstrap != out[j].Bootstrap {
			return out[i].Bootstrap
		}
		if !out[i].CreatedAt.Equal(out[j].CreatedAt) {
			return out[i].CreatedAt.Before(out[j].CreatedAt)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// errBootstrapToken: config tokens are removed from the config, not here.
var errBootstrapToken = errors.New("token comes from the config; remove it there")

// revoke deletes the admin-created token with this id; ErrNotFound.
func (ts *tokenStore) revoke(ctx context.Context, id string) (TokenInfo, error) {
	for _, t := range ts.bootstrap {
		if t.ID == id {
			return t, fmt.Errorf("revoke token %s: %w: %w", id, recruitscan.ErrForbidden, errBootstrapToken)
		}
	}
	m, err := ts.kv.hgetall(ctx, ts.key)
	if err != nil {
		return TokenInfo{}, fmt.Errorf("revoke token: %w", err)
	}
	for h, v := range m {
		var t TokenInfo
		if json.Unmarshal([]byte(v), &t) == nil && t.ID == id {
			if err := ts.kv.hdel(ctx, ts.key, h); err != nil {
				return t, fmt.Errorf("revoke token: %w", err)
			}
			return t, nil
		}
	}
	return TokenInfo{}, fmt.Errorf("revoke token %s: %w", id, recruitscan.ErrNotFound)
}
