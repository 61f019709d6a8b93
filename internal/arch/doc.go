// Package arch holds the test that keeps the package boundaries of
// docs/design.md: each package imports only the project packages its row
// allows, so there are no cycles and each stage reads alone.
package arch
