package review

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/recruitscan/recruitscan"
	"github.com/recruitscan/recruitscan/store"
	"golang.org/x/crypto/bcrypt"
)

// User is a person who may log in. Users come from the config file; the
// `recruitscan user add|passwd|disable` command writes PasswordHash with
// HashPassword.
type User struct {
	Name string `yaml:"name" json:"name"`
	// Role is reviewer, lead or admin; each has the rights of those before.
	Role recruitscan.Role `yaml:"role" json:"role"`
	// PasswordHash is a bcrypt hash from HashPassword.
	PasswordHash string `yaml:"password_hash" json:"-"`
	// Languages are preferred when claiming ("ar", "ur"…); empty = any.
	Languages []string `yaml:"languages,omitempty" json:"languages,omitempty"`
	// Disabled users cannot log in and their sessions stop working.
	Disabled bool `yaml:"disabled,omitempty" json:"disabled,omitempty"`
}

// Token is a bootstrap API token from the config (or the environment).
// Its Secret is only kept in memory as a SHA-256 hash.
type Token struct {
	Name   string           `yaml:"name" json:"name"`
	Role   recruitscan.Role `yaml:"role" json:"role"`
	Secret string           `yaml:"secret" json:"-"`
}

// MinPasswordLen is the shortest password HashPassword accepts.
const MinPasswordLen = 8

// bcryptCost is a variable so that tests can make hashing cheap.
var bcryptCost = 12

// HashPassword returns a bcrypt hash of pw for User.PasswordHash. It fails
// with recruitscan.ErrInvalid for passwords shorter than MinPasswordLen or
// longer than bcrypt's 72 bytes.
func HashPassword(pw string) (string, error) {
	if len(pw) < MinPasswordLen {
		return "", fmt.Errorf("hash password: %w: shorter than %d characters", recruitscan.ErrInvalid, MinPasswordLen)
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcryptCost)
	if errors.Is(err, bcrypt.ErrPasswordTooLong) {
		return "", fmt.Errorf("hash password: %w: longer than 72 bytes", recruitscan.ErrInvalid)
	}
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// CheckPassword reports whether pw matches a HashPassword hash.
func CheckPassword(hash, pw string) bool {
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) == nil
}

// roleRank orders roles; an unknown role ranks below every real one.
func roleRank(r recruitscan.Role) int {
	switch r {
	case recruitscan.RoleReviewer:
		return 1
	case recruitscan.RoleLead:
		return 2
	case recruitscan.RoleAdmin:
		return 3
	}
	return 0
}

// validRole reports whether r is one of the three roles.
func validRole(r recruitscan.Role) bool { return roleRank(r) > 0 }

// principal is the authenticated caller of one request.
type principal struct {
	Name      string
	Role      recruitscan.Role
	Languages []string
	// ViaToken: a bearer-token call, exempt from CSRF (no ambient cookie).
	ViaToken bool
	// CSRF is the session's token (cookie sessions only).
	CSRF string
	// sessionKey identifies the session for logout.
	sessionKey string
}

func (p *principal) can(r recruitscan.Role) bool { return p != nil && roleRank(p.Role) >= roleRank(r) }

func (p *principal) actor() store.Actor {
	return store.Actor{Name: p.Name, Role: p.Role, Languages: p.Languages}
}

// randomToken returns n random bytes, base64url-encoded.
func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("review: crypto/rand: " + err.Error()) // never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func sha256hex(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func equalSecret(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// bearer returns the token of an "Authorization: Bearer x" header.
func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if len(h) < 7 || !strings.EqualFold(h[:7], "bearer ") {
		return "", false
	}
	return strings.TrimSpace(h[7:]), true
}

// clientIP is the address in header (the last one a proxy appended) when
// header is set, else the connection's address.
func clientIP(r *http.Request, header string) string {
	if header != "" {
		if vs := r.Header.Values(header); len(vs) > 0 {
			parts := strings.Split(vs[len(vs)-1], ",")
			if ip := strings.TrimSpace(parts[len(parts)-1]); ip != "" {
				return ip
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// safeMethod reports whether m changes no state.
func safeMethod(m string) bool { return m == http.MethodGet || m == http.MethodHead }

func bcryptHash(pw string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcryptCost)
	return string(h), err
}

// IsLead and IsAdmin let templates show what the role may use (the
// server enforces it regardless).
func (p *principal) IsLead() bool  { return p.can(recruitscan.RoleLead) }
func (p *principal) IsAdmin() bool { return p.can(recruitscan.RoleAdmin) }
