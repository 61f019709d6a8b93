package arch

import (
	"go/parser"
	"go/token"
	"io/fs"
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
	root := "../.."
	fset := token.NewFileSet()
	seen := map[string]bool{}
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
			t.Errorf("%s: %v", path, err)
			return nil
		}
		top := topPackage(rel)
		allow, known := allowed[top]
		if !known {
			if strings.HasPrefix(rel, "internal") {
				return nil
			}
			t.Errorf("%s: package %q is not in the design's table; add it to docs and to allowed", path, rel)
			return nil
		}
		seen[top] = true
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
				t.Errorf("%s imports %s: package %s may import only %v (docs/design.md)", path, p, top, allow)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !seen["."] {
		t.Errorf("walked no root package files: is the test running from internal/arch?")
	}
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
