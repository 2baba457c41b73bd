package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/roombot/roombot/reports"
	"github.com/roombot/roombot/reports/prom"
	"github.com/roombot/roombot/scenario"
)

const deployDir = "../../deploy"

// manifests are deploy/k8s decoded strictly into the Kubernetes API types.
type manifests struct {
	shards, merge *batchv1.Job
	scenario      *corev1.ConfigMap
	runs          *corev1.PersistentVolumeClaim
	server        *appsv1.Deployment
	service       *corev1.Service
	podMonitor    *podMonitor
}

// podMonitor is the part of the Prometheus Operator's PodMonitor the
// example uses (its CRD types are not in k8s.io/api); decoding is strict,
// so a misspelt or misplaced field fails.
type podMonitor struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		Selector            metav1.LabelSelector `json:"selector"`
		PodMetricsEndpoints []struct {
			Port     string `json:"port"`
			Path     string `json:"path"`
			Interval string `json:"interval"`
		} `json:"podMetricsEndpoints"`
	} `json:"spec"`
}

// decodeStrict decodes every YAML document of file into the type its
// apiVersion and kind name, rejecting unknown and duplicate fields.
func decodeStrict(t *testing.T, m *manifests, file string) {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for i, doc := range regexp.MustCompile(`(?m)^---\s*$`).Split(string(raw), -1) {
		if strings.TrimSpace(doc) == "" {
			continue
		}
		var tm metav1.TypeMeta
		if err := yaml.Unmarshal([]byte(doc), &tm); err != nil {
			t.Fatalf("%s document %d: %v", file, i, err)
		}
		var obj any
		switch tm.APIVersion + " " + tm.Kind {
		case "batch/v1 Job":
			obj = &batchv1.Job{}
		case "v1 ConfigMap":
			m.scenario = &corev1.ConfigMap{}
			obj = m.scenario
		case "v1 PersistentVolumeClaim":
			m.runs = &corev1.PersistentVolumeClaim{}
			obj = m.runs
		case "apps/v1 Deployment":
			m.server = &appsv1.Deployment{}
			obj = m.server
		case "v1 Service":
			m.service = &corev1.Service{}
			obj = m.service
		case "monitoring.coreos.com/v1 PodMonitor":
			m.podMonitor = &podMonitor{}
			obj = m.podMonitor
		default:
			t.Fatalf("%s document %d: unexpected %s %s", file, i, tm.APIVersion, tm.Kind)
		}
		if err := yaml.UnmarshalStrict([]byte(doc), obj); err != nil {
			t.Fatalf("%s document %d (%s): %v", file, i, tm.Kind, err)
		}
		if j, ok := obj.(*batchv1.Job); ok && j.Spec.CompletionMode != nil {
			m.shards = j
		} else if ok {
			m.merge = j
		}
	}
}

func loadManifests(t *testing.T) *manifests {
	t.Helper()
	m := &manifests{}
	files, _ := filepath.Glob(filepath.Join(deployDir, "k8s", "*.yaml"))
	for _, f := range files {
		decodeStrict(t, m, f)
	}
	if m.shards == nil || m.merge == nil || m.scenario == nil || m.runs == nil || m.server == nil || m.service == nil || m.podMonitor == nil {
		t.Fatalf("deploy/k8s lacks a manifest: %+v", m)
	}
	return m
}

// flagValue is the argument after flag in args.
func flagValue(args []string, flag string) (string, bool) {
	i := slices.Index(args, flag)
	if i < 0 || i+1 >= len(args) {
		return "", false
	}
	return args[i+1], true
}

// TestDeployManifests checks the manifests against each other, the image
// and the code: the strict decoding above, then what must agree for the
// Job to play one scenario in N parts and merge them.
func TestDeployManifests(t *testing.T) {
	t.Parallel()
	m := loadManifests(t)
	job := m.shards.Spec
	if job.CompletionMode == nil || *job.CompletionMode != batchv1.IndexedCompletion {
		t.Errorf("shards Job completionMode %v, want Indexed", job.CompletionMode)
	}
	c := job.Template.Spec.Containers[0]
	n, _ := flagValue(c.Args, "--shards")
	shards, err := strconv.Atoi(n)
	if err != nil || job.Completions == nil || job.Parallelism == nil || int(*job.Completions) != shards || int(*job.Parallelism) != shards {
		t.Errorf("--shards %q, completions %v, parallelism %v: want all equal", n, job.Completions, job.Parallelism)
	}
	for name, j := range map[string]*batchv1.Job{"shards": m.shards, "merge": m.merge} {
		ps := j.Spec.Template.Spec
		if ps.RestartPolicy != corev1.RestartPolicyNever || j.Spec.BackoffLimit == nil || *j.Spec.BackoffLimit != 0 {
			t.Errorf("%s Job: restartPolicy %q backoffLimit %v: a load run is not retried", name, ps.RestartPolicy, j.Spec.BackoffLimit)
		}
		if sc := ps.SecurityContext; sc == nil || sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot || sc.RunAsUser == nil || *sc.RunAsUser != 65532 {
			t.Errorf("%s Job: not run as the image's non-root user 65532: %+v", name, sc)
		}
		vols := map[string]corev1.Volume{}
		for _, v := range ps.Volumes {
			vols[v.Name] = v
		}
		for _, vm := range ps.Containers[0].VolumeMounts {
			v := vols[vm.Name]
			switch vm.MountPath {
			case "/scenario":
				if v.ConfigMap == nil || v.ConfigMap.Name != m.scenario.Name {
					t.Errorf("%s Job: /scenario is not the ConfigMap %s: %+v", name, m.scenario.Name, v)
				}
			case "/runs":
				if v.PersistentVolumeClaim == nil || v.PersistentVolumeClaim.ClaimName != m.runs.Name {
					t.Errorf("%s Job: /runs is not the claim %s: %+v", name, m.runs.Name, v)
				}
			}
		}
	}
	if !slices.Contains(m.runs.Spec.AccessModes, corev1.ReadWriteMany) {
		t.Errorf("run volume %v: shards on several nodes need ReadWriteMany", m.runs.Spec.AccessModes)
	}
	// The scenario file in the ConfigMap is valid and targets the Service.
	file := strings.TrimPrefix(c.Args[1], "/scenario/")
	src, ok := m.scenario.Data[file]
	if !ok {
		t.Fatalf("the ConfigMap has no %s (the Job runs %s)", file, c.Args[1])
	}
	cfg, err := scenario.Parse(file, []byte(src))
	if err != nil {
		t.Fatalf("ConfigMap scenario: %v", err)
	}
	want := fmt.Sprintf("ws://%s:%d/ws", m.service.Name, m.service.Spec.Ports[0].Port)
	if cfg.Target.URL != want {
		t.Errorf("scenario target %q, want the Service's %q", cfg.Target.URL, want)
	}
	plan, _ := scenario.NewPlan(cfg)
	if _, err := plan.Assign(shards, scenario.ByRoom); err != nil {
		t.Errorf("the scenario does not split into %d shards: %v", shards, err)
	}
	// The merge step lists exactly the shards' run directories.
	out, _ := flagValue(c.Args, "--out")
	var dirs []string
	for i := range shards {
		dirs = append(dirs, strings.ReplaceAll(out, "$(JOB_COMPLETION_INDEX)", strconv.Itoa(i)))
	}
	margs := m.merge.Spec.Template.Spec.Containers[0].Args
	if d := margs[len(margs)-shards:]; !slices.Equal(d, dirs) || margs[0] != "report" || !slices.Contains(margs, "--merge") {
		t.Errorf("merge args %v, want report --merge ... %v", margs, dirs)
	}
	// Metrics: the port served, annotated, named and monitored agree.
	addr, _ := flagValue(c.Args, "--metrics-addr")
	_, port, _ := net.SplitHostPort(addr)
	ann := m.shards.Spec.Template.Annotations
	var named string
	for _, p := range c.Ports {
		if strconv.Itoa(int(p.ContainerPort)) == port {
			named = p.Name
		}
	}
	if ann["prometheus.io/port"] != port || ann["prometheus.io/scrape"] != "true" || named == "" {
		t.Errorf("metrics on %s, annotations %v, container port name %q", addr, ann, named)
	}
	pm := m.podMonitor.Spec
	if len(pm.PodMetricsEndpoints) != 1 || pm.PodMetricsEndpoints[0].Port != named || pm.PodMetricsEndpoints[0].Path != "/metrics" {
		t.Errorf("PodMonitor endpoints %+v, want port %q /metrics", pm.PodMetricsEndpoints, named)
	}
	for k, v := range pm.Selector.MatchLabels {
		if m.shards.Spec.Template.Labels[k] != v {
			t.Errorf("PodMonitor selects %s=%s, the shard pods have %v", k, v, m.shards.Spec.Template.Labels)
		}
	}
}

// TestDockerfile reads the Dockerfile (docker cannot run here): a static
// build, a small non-root final stage with roombot as its entry point.
func TestDockerfile(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join(deployDir, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	var froms []string
	var build, user, entry string
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		switch strings.ToUpper(f[0]) {
		case "FROM":
			froms = append(froms, f[1])
		case "RUN":
			if strings.Contains(l, "go build") {
				build = l
			}
		case "USER":
			user = f[1]
		case "ENTRYPOINT":
			entry = strings.Join(f[1:], " ")
		}
	}
	if len(froms) != 2 || !strings.Contains(froms[1], "distroless/static") || !strings.HasSuffix(froms[1], ":nonroot") {
		t.Errorf("stages %v: want a build stage and distroless/static:nonroot", froms)
	}
	if !strings.Contains(build, "CGO_ENABLED=0") || !strings.Contains(build, "./cmd/roombot") {
		t.Errorf("build %q: want a static (CGO_ENABLED=0) build of ./cmd/roombot", build)
	}
	if user != "65532:65532" || entry != `["/roombot"]` {
		t.Errorf("USER %q ENTRYPOINT %q", user, entry)
	}
}

// TestGrafanaDashboard: every metric and label the dashboard queries is
// one the live output serves.
func TestGrafanaDashboard(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join(deployDir, "grafana", "roombot.json"))
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&dash); err != nil || len(dash.Panels) < 10 {
		t.Fatalf("dashboard: %v, %d panels", err, len(dash.Panels))
	}
	o := prom.New("s", "shard-0-of-1", prom.Users{Group: map[string]string{"u": "g"}, Target: map[string]int{"g": 1}})
	v := 1.0
	o.WriteEvent(reports.Event{User: "u", Event: reports.EvEntered, Kind: reports.KindRoom, Value: 1})
	o.WriteEvent(reports.Event{User: "u", Event: reports.EvError, Kind: reports.KindRoom, Code: -1})
	o.WriteEvent(reports.Event{User: "u", Event: "mute", Kind: reports.KindAction})
	o.WriteEvent(reports.Event{User: "u", Event: reports.EvFirstFrame, Kind: reports.KindMedia, Value: 1})
	o.WriteEvent(reports.Event{User: "u", Event: reports.EvFreezeStart, Kind: reports.KindMedia})
	o.WriteEvent(reports.Event{User: "u", Event: reports.EvFreezeEnd, Kind: reports.KindMedia, Value: 1})
	o.WriteSample(reports.Sample{User: "u", RxPackets: 1, JitterMs: &v, RTTMs: &v, E2EMs: &v, MOS: &v, VideoScore: &v,
		Tracks: []reports.TrackSample{{Dir: reports.Rx, Kind: "video", FPS: 1}}})
	o.WriteTick(reports.Tick{ActionLagsMs: []float64{1}})
	fams, err := o.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	served := map[string]bool{}
	labels := map[string]bool{"le": true}
	for _, f := range fams {
		served[f.GetName()] = true
		for _, s := range []string{"_bucket", "_sum", "_count"} {
			served[f.GetName()+s] = true
		}
		for _, m := range f.Metric {
			for _, l := range m.Label {
				labels[l.GetName()] = true
			}
		}
	}
	metric := regexp.MustCompile(`roombot_[a-z0-9_]+`)
	by := regexp.MustCompile(`(?:by|on) \(([^)]*)\)`)
	for _, p := range dash.Panels {
		for _, tg := range p.Targets {
			for _, name := range metric.FindAllString(tg.Expr, -1) {
				if !served[name] {
					t.Errorf("panel %q queries %s, which is not served", p.Title, name)
				}
			}
			for _, g := range by.FindAllStringSubmatch(tg.Expr, -1) {
				for _, l := range strings.Split(g[1], ",") {
					if l = strings.TrimSpace(l); !labels[l] {
						t.Errorf("panel %q groups by %q, not a label served", p.Title, l)
					}
				}
			}
		}
	}
}
