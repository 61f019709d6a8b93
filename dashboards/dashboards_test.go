package dashboards

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// dashboard is the part of a Grafana dashboard JSON these tests read.
type dashboard struct {
	file       string
	UID        string  `json:"uid"`
	Title      string  `json:"title"`
	Panels     []panel `json:"panels"`
	Templating struct {
		List []struct {
			Name       string `json:"name"`
			Type       string `json:"type"`
			Query      any    `json:"query"`
			Definition string `json:"definition"`
		} `json:"list"`
	} `json:"templating"`
}

type panel struct {
	ID         int        `json:"id"`
	Type       string     `json:"type"`
	Title      string     `json:"title"`
	Datasource datasource `json:"datasource"`
	GridPos    struct{ X, Y, W, H int }
	Panels     []panel `json:"panels"` // a collapsed row's panels
	Targets    []struct {
		RefID      string     `json:"refId"`
		Expr       string     `json:"expr"`
		Datasource datasource `json:"datasource"`
	} `json:"targets"`
	FieldConfig struct {
		Defaults struct {
			Unit       string `json:"unit"`
			Thresholds *struct {
				Steps []struct {
					Color string   `json:"color"`
					Value *float64 `json:"value"`
				} `json:"steps"`
			} `json:"thresholds"`
		} `json:"defaults"`
	} `json:"fieldConfig"`
}

type datasource struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

// allPanels returns the dashboard's panels without rows, including those
// inside collapsed rows.
func (d dashboard) allPanels() []panel {
	var out []panel
	for _, p := range d.Panels {
		if p.Type == "row" {
			out = append(out, p.Panels...)
			continue
		}
		out = append(out, p)
	}
	return out
}

func loadDashboards(t testing.TB) []dashboard {
	t.Helper()
	files, err := filepath.Glob("grafana/*.json")
	if err != nil || len(files) != 3 {
		t.Fatalf("want the 3 dashboards of issue 6 in grafana/, found %v (%v)", files, err)
	}
	var out []dashboard
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		d := dashboard{file: f}
		dec := json.NewDecoder(strings.NewReader(string(b)))
		if err := dec.Decode(&d); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out = append(out, d)
	}
	return out
}

// rangeSelector finds the range of a range vector selector or subquery.
var rangeSelector = regexp.MustCompile(`\[([^\]]*)\]`)

func TestDashboardConventions(t *testing.T) {
	uids := map[string]string{}
	for _, d := range loadDashboards(t) {
		if d.UID == "" || d.Title == "" {
			t.Errorf("%s: uid %q, title %q: both required (links and provisioning use the uid)", d.file, d.UID, d.Title)
		}
		if prev, dup := uids[d.UID]; dup {
			t.Errorf("%s: uid %q already used by %s", d.file, d.UID, prev)
		}
		uids[d.UID] = d.file
		checkDatasourceVariable(t, d)
		checkLayout(t, d)
		for _, p := range d.allPanels() {
			checkPanel(t, d.file, p)
		}
	}
}

func checkDatasourceVariable(t *testing.T, d dashboard) {
	t.Helper()
	for _, v := range d.Templating.List {
		if v.Name == "datasource" && v.Type == "datasource" && v.Query == "prometheus" {
			return
		}
	}
	t.Errorf("%s: no Prometheus data source variable named datasource", d.file)
}

func checkPanel(t *testing.T, file string, p panel) {
	t.Helper()
	where := file + ": panel " + `"` + p.Title + `"`
	if p.Datasource.UID != "${datasource}" {
		t.Errorf("%s: data source %q, want ${datasource}", where, p.Datasource.UID)
	}
	if len(p.Targets) == 0 {
		t.Errorf("%s: no queries", where)
	}
	for _, tg := range p.Targets {
		if tg.Datasource.UID != "${datasource}" {
			t.Errorf("%s: query %s data source %q, want ${datasource}", where, tg.RefID, tg.Datasource.UID)
		}
		for _, m := range rangeSelector.FindAllStringSubmatch(tg.Expr, -1) {
			if m[1] != "$__rate_interval" && m[1] != "$__range" {
				t.Errorf("%s: query %s uses range [%s]; use [$__rate_interval] (or [$__range] for totals over the time range)", where, tg.RefID, m[1])
			}
		}
	}
	fd := p.FieldConfig.Defaults
	if fd.Unit == "" {
		t.Errorf("%s: no unit", where)
	}
	if fd.Thresholds == nil || len(fd.Thresholds.Steps) == 0 || fd.Thresholds.Steps[0].Value != nil {
		t.Errorf("%s: thresholds must start with a base step (value null)", where)
		return
	}
	if (p.Type == "stat" || p.Type == "gauge") && len(fd.Thresholds.Steps) < 2 {
		t.Errorf("%s: a %s panel needs a threshold beyond the base colour", where, p.Type)
	}
}

// checkLayout finds panels that overlap or leave the 24-column grid.
func checkLayout(t *testing.T, d dashboard) {
	t.Helper()
	ids := map[int]bool{}
	var placed []panel
	for _, p := range d.Panels {
		if ids[p.ID] {
			t.Errorf("%s: panel id %d used twice", d.file, p.ID)
		}
		ids[p.ID] = true
		g := p.GridPos
		if g.W <= 0 || g.H <= 0 || g.X < 0 || g.X+g.W > 24 {
			t.Errorf("%s: panel %q at %+v is outside the 24-column grid", d.file, p.Title, g)
		}
		for _, q := range placed {
			h := q.GridPos
			if g.X < h.X+h.W && h.X < g.X+g.W && g.Y < h.Y+h.H && h.Y < g.Y+g.H {
				t.Errorf("%s: panels %q and %q overlap", d.file, q.Title, p.Title)
			}
		}
		placed = append(placed, p)
	}
}

// The provisioning examples parse, name a Prometheus data source, and load
// dashboards from the directory README.md tells operators to copy them to.
func TestProvisioningExamples(t *testing.T) {
	var ds struct {
		APIVersion  int `yaml:"apiVersion"`
		Datasources []struct {
			Name, Type, URL string
		} `yaml:"datasources"`
	}
	readYAML(t, "provisioning/datasources/recruitscan.yml", &ds)
	if ds.APIVersion != 1 || len(ds.Datasources) != 1 || ds.Datasources[0].Type != "prometheus" || ds.Datasources[0].URL == "" {
		t.Errorf("provisioning/datasources/recruitscan.yml: %+v, want apiVersion 1 and one prometheus data source with a url", ds)
	}
	var dp struct {
		APIVersion int `yaml:"apiVersion"`
		Providers  []struct {
			Type    string `yaml:"type"`
			Options struct {
				Path string `yaml:"path"`
			} `yaml:"options"`
		} `yaml:"providers"`
	}
	readYAML(t, "provisioning/dashboards/recruitscan.yml", &dp)
	if dp.APIVersion != 1 || len(dp.Providers) != 1 || dp.Providers[0].Type != "file" {
		t.Fatalf("provisioning/dashboards/recruitscan.yml: %+v, want apiVersion 1 and one file provider", dp)
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	if p := dp.Providers[0].Options.Path; p == "" || !strings.Contains(string(readme), p) {
		t.Errorf("provisioning/dashboards/recruitscan.yml: path %q is not where README.md says to copy the dashboards", p)
	}
}
