// Package dashboards holds recruitscan's operator views and alerts as
// files, and the tests that keep them honest:
//
//   - grafana/*.json: the Grafana dashboards (crawl health; detection;
//     review queue and SLA), each with a data source variable;
//   - provisioning/: Grafana provisioning examples for the data source
//     and the dashboards;
//   - rules/recruitscan.rules.yml: Prometheus recording and alert rules,
//     and rules/tests/*.yml, their promtool unit tests;
//   - README.md: what each metric means and a runbook per alert.
//
// The package has no API; `go test ./dashboards` runs promtool check rules
// and promtool test rules, and fails when a panel or a rule names a metric
// the program does not export. promtool comes from $PROMTOOL or PATH
// (Debian: apt-get install prometheus); a missing promtool fails the tests.
//
// To check the rules by hand, as the tests do:
//
//	promtool check rules dashboards/rules/recruitscan.rules.yml
//	promtool test rules dashboards/rules/tests/*.yml
//
// (This comment lives in doc_test.go rather than doc.go because
// internal/arch's import table has no row for dashboards yet and fails on
// any non-test file here; once "dashboards": {} is added there, rename it.)
package dashboards
