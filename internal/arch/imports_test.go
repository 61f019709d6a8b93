package arch

import (
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/recruitscan/recruitscan"

// allowed is the design's table: package dir → project packages it may
// import (non-test files). internal/... is open to all, as the design says.
var allowed = map[string][]string{
	".":               {},
	"rules":           {"."},
	"classifier":      {".", "rules"},
	"crawler":         {".", "metrics"},
	"store":           {".", "metrics"},
	"pipeline":        {".", "crawler", "classifier", "rules", "store", "metrics"},
	"review":          {".", "store", "classifier", "metrics"},
	"metrics":         {"."},
	"dashboards":      {},  // tests only; imports nothing in non-test files
	"cmd/recruitscan": nil, // may import all
}

func TestPackageImports(t *testing.T) {
	problems, sawRoot := checkImports("../..")
	for _, p := range problems {
		t.Error(p)
	}
	if !sawRoot {
		t.Errorf("walked no root package files: is the test running from internal/arch?")
	}
}

// The checker itself: a tree with a forbidden import and an unknown
// package is reported, a clean one is not.
func TestCheckerFindsViolations(t *testing.T) {
	root := t.TempDir()
	write := func(path, src string) {
		p := filepath.Join(root, path)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(src), 0o644)
	}
	write("doc.go", "package recruitscan\n")
	write("rules/r.go", "package rules\nimport _ \""+module+"/review\"\n")
	write("rules/r_test.go", "package rules\nimport _ \""+module+"/store\"\n") // tests may
	write("classifier/c.go", "package classifier\nimport _ \""+module+"/rules\"\nimport _ \""+module+"/internal/clock\"\n")
	write("newpkg/n.go", "package newpkg\n")
	problems, _ := checkImports(root)
	got := strings.Join(problems, "\n")
	if len(problems) != 2 || !strings.Contains(got, "rules/r.go imports "+module+"/review") || !strings.Contains(got, `"newpkg" is not in the design's table`) {
		t.Errorf("problems:\n%s\nwant exactly the rules→review import and the unknown package", got)
	}
}

// checkImports walks root and returns every import the table forbids.
func checkImports(root string) (problems []string, sawRoot bool) {
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != root || d.Name() == "testdata" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		rel = filepath.ToSlash(rel)
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", path, err))
			return nil
		}
		top := topPackage(rel)
		allow, known := allowed[top]
		if !known {
			if !strings.HasPrefix(rel, "internal") {
				problems = append(problems, fmt.Sprintf("%s: package %q is not in the design's table; add it to docs and to allowed", path, rel))
			}
			return nil
		}
		sawRoot = sawRoot || top == "."
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if p != module && !strings.HasPrefix(p, module+"/") {
				continue
			}
			dep := strings.TrimPrefix(strings.TrimPrefix(p, module), "/")
			if dep == "" {
				dep = "."
			}
			if allow == nil || strings.HasPrefix(dep, "internal/") || dep == top || strings.HasPrefix(dep, top+"/") {
				continue
			}
			if !contains(allow, topPackage(dep)) {
				rp, _ := filepath.Rel(root, path)
				problems = append(problems, fmt.Sprintf("%s imports %s: package %s may import only %v (docs/design.md)", filepath.ToSlash(rp), p, top, allow))
			}
		}
		return nil
	})
	if err != nil {
		problems = append(problems, err.Error())
	}
	return problems, sawRoot
}

// topPackage maps a directory to its row: rules/packs → rules.
func topPackage(rel string) string {
	if rel == "." || rel == "" {
		return "."
	}
	if strings.HasPrefix(rel, "cmd/") {
		parts := strings.SplitN(rel, "/", 3)
		if len(parts) >= 2 {
			return parts[0] + "/" + parts[1]
		}
	}
	return strings.SplitN(rel, "/", 2)[0]
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
