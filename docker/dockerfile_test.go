package docker

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// An instruction is one Dockerfile instruction with its continuation lines joined.
type instruction struct {
	cmd  string // upper case: FROM, ARG, ENV, RUN, COPY, ...
	args string
	line int
}

// A stage is the instructions from one FROM to the next.
type stage struct {
	image, name string // image after global ARG expansion; name after AS
	from        instruction
	body        []instruction
}

// A dockerfile is a parsed Dockerfile: the global ARGs (before the first FROM) and the stages.
type dockerfile struct {
	args   map[string]string
	stages []*stage
}

// parseDockerfile splits text into instructions (joining lines that end in a backslash and
// dropping comment lines, as Docker does) and groups them into stages.
func parseDockerfile(text string) (*dockerfile, error) {
	var ins []instruction
	var cur strings.Builder
	start := 0
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "#") || (trimmed == "" && cur.Len() == 0) {
			continue
		}
		if cur.Len() == 0 {
			start = n
		}
		cont := strings.HasSuffix(trimmed, `\`)
		cur.WriteString(strings.TrimSuffix(trimmed, `\`))
		cur.WriteByte(' ')
		if cont {
			continue
		}
		cmd, args, _ := strings.Cut(strings.TrimSpace(cur.String()), " ")
		ins = append(ins, instruction{cmd: strings.ToUpper(cmd), args: strings.TrimSpace(args), line: start})
		cur.Reset()
	}
	if cur.Len() != 0 {
		return nil, fmt.Errorf("line %d: continuation at end of file", start)
	}
	d := &dockerfile{args: map[string]string{}}
	for _, in := range ins {
		switch {
		case in.cmd == "FROM":
			f := strings.Fields(in.args)
			st := &stage{from: in}
			for len(f) > 0 && strings.HasPrefix(f[0], "--") { // --platform=...
				f = f[1:]
			}
			if len(f) == 0 {
				return nil, fmt.Errorf("line %d: FROM without an image", in.line)
			}
			st.image = d.expand(f[0])
			if len(f) == 3 && strings.EqualFold(f[1], "AS") {
				st.name = f[2]
			}
			d.stages = append(d.stages, st)
		case len(d.stages) == 0:
			if in.cmd != "ARG" {
				return nil, fmt.Errorf("line %d: %s before the first FROM", in.line, in.cmd)
			}
			name, val, _ := strings.Cut(in.args, "=")
			d.args[name] = strings.Trim(val, `"`)
		default:
			st := d.stages[len(d.stages)-1]
			st.body = append(st.body, in)
		}
	}
	return d, nil
}

var argRef = regexp.MustCompile(`\$\{(\w+)\}|\$(\w+)`)

// expand substitutes the global ARG defaults into s.
func (d *dockerfile) expand(s string) string {
	return argRef.ReplaceAllStringFunc(s, func(m string) string {
		name := strings.Trim(m, "${}")
		if v, ok := d.args[name]; ok {
			return v
		}
		return m
	})
}

// stage returns the stage called name.
func (d *dockerfile) stage(name string) *stage {
	for _, s := range d.stages {
		if s.name == name {
			return s
		}
	}
	return nil
}

// all returns the instructions of the stage with the given command.
func (s *stage) all(cmd string) []instruction {
	var out []instruction
	for _, in := range s.body {
		if in.cmd == cmd {
			out = append(out, in)
		}
	}
	return out
}

// env returns the value the stage's ENV instructions give key ("" if none).
func (s *stage) env(key string) string {
	var v string
	for _, in := range s.all("ENV") {
		for _, kv := range splitWords(in.args) {
			if k, val, ok := strings.Cut(kv, "="); ok && k == key {
				v = val
			}
		}
	}
	return v
}

// splitWords splits on unquoted spaces and removes double quotes.
func splitWords(s string) []string {
	var out []string
	var cur strings.Builder
	quoted := false
	for _, r := range s {
		switch {
		case r == '"':
			quoted = !quoted
		case r == ' ' && !quoted:
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
		}
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func gpuDockerfile(t *testing.T) *dockerfile {
	t.Helper()
	d, err := parseDockerfile(readFile(t, "Dockerfile.gpu"))
	if err != nil {
		t.Fatalf("Dockerfile.gpu: %v", err)
	}
	return d
}

// version parses "1.26.8" or "2.18" into numbers.
func version(t *testing.T, s string) []int {
	t.Helper()
	var v []int
	for _, p := range strings.Split(s, ".") {
		n, err := strconv.Atoi(p)
		if err != nil {
			t.Fatalf("version %q: %v", s, err)
		}
		v = append(v, n)
	}
	return v
}

// less compares versions numerically; missing parts count as 0.
func less(a, b []int) bool {
	for i := 0; i < max(len(a), len(b)); i++ {
		x, y := 0, 0
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			return x < y
		}
	}
	return false
}

var exactVersion = regexp.MustCompile(`^\d+\.\d+\.\d+$`)

// TestTensorFlowVersionMatchesMakeDeps checks that the image installs the TensorFlow release
// that `make deps` installs: the Makefile's TF_SERIES, substituted into the pip requirement of
// scripts/tf-deps.sh, must admit the Dockerfile's TF_VERSION, and so must the version make deps
// recorded in $BOLTZMANN_TF_DIR/VERSION, when there is one: the two must be equal.
func TestTensorFlowVersionMatchesMakeDeps(t *testing.T) {
	d := gpuDockerfile(t)
	tfv := d.args["TF_VERSION"]
	if !exactVersion.MatchString(tfv) {
		t.Fatalf("ARG TF_VERSION=%q, want an exact version such as 2.18.1", tfv)
	}
	m := regexp.MustCompile(`(?m)^TF_SERIES\s*:?=\s*(\S+)\s*$`).FindStringSubmatch(readFile(t, "../Makefile"))
	if m == nil {
		t.Fatal("the Makefile sets no TF_SERIES")
	}
	series := m[1]
	m = regexp.MustCompile(`"tensorflow-cpu(~=|==)([^"]+)"`).FindStringSubmatch(readFile(t, "../scripts/tf-deps.sh"))
	if m == nil {
		t.Fatal("scripts/tf-deps.sh installs no tensorflow-cpu requirement")
	}
	op, spec := m[1], strings.ReplaceAll(strings.ReplaceAll(m[2], "${TF_SERIES}", series), "$TF_SERIES", series)
	switch op {
	case "==":
		if tfv != spec {
			t.Errorf("Dockerfile TF_VERSION %s, make deps installs tensorflow-cpu==%s", tfv, spec)
		}
	case "~=": // compatible release: same prefix without the last component, and not older
		sv := version(t, spec)
		prefix := strings.Join(strings.Split(spec, ".")[:len(sv)-1], ".") + "."
		if !strings.HasPrefix(tfv, prefix) || less(version(t, tfv), sv) {
			t.Errorf("Dockerfile TF_VERSION %s is outside make deps' tensorflow-cpu~=%s", tfv, spec)
		}
	}
	if dir := os.Getenv("BOLTZMANN_TF_DIR"); dir != "" {
		if b, err := os.ReadFile(filepath.Join(dir, "VERSION")); err == nil {
			if got := strings.TrimSpace(string(b)); got != tfv {
				t.Errorf("make deps installed TensorFlow %s (%s/VERSION), the Dockerfile pins %s", got, dir, tfv)
			}
		} else {
			t.Logf("no %s/VERSION (%v): checked the requirement only", dir, err)
		}
	}
	tf := d.stage("tf")
	if tf == nil {
		t.Fatal("no stage named tf")
	}
	pinned := false
	for _, in := range tf.all("RUN") {
		if strings.Contains(in.args, `"tensorflow[and-cuda]==${TF_VERSION}"`) {
			pinned = true
		}
	}
	if !pinned {
		t.Errorf(`stage tf does not pip install "tensorflow[and-cuda]==${TF_VERSION}"`)
	}
	if !slicesContains(tf.all("ARG"), "TF_VERSION") {
		t.Errorf("stage tf does not declare ARG TF_VERSION, so ${TF_VERSION} would be empty in it")
	}
}

func slicesContains(ins []instruction, args string) bool {
	for _, in := range ins {
		if in.args == args {
			return true
		}
	}
	return false
}

// TestGoVersionPinned checks that the Go toolchain comes from an exactly pinned official image
// no older than go.mod requires.
func TestGoVersionPinned(t *testing.T) {
	d := gpuDockerfile(t)
	gov := d.args["GO_VERSION"]
	if !exactVersion.MatchString(gov) {
		t.Fatalf("ARG GO_VERSION=%q, want an exact version such as 1.26.8", gov)
	}
	goStage := d.stage("go")
	if goStage == nil || !strings.HasPrefix(goStage.image, "golang:"+gov+"-") {
		t.Fatalf("no stage go FROM golang:%s-…", gov)
	}
	m := regexp.MustCompile(`(?m)^go (\S+)$`).FindStringSubmatch(readFile(t, "../go.mod"))
	if m == nil {
		t.Fatal("go.mod has no go directive")
	}
	if less(version(t, gov), version(t, m[1])) {
		t.Errorf("GO_VERSION %s is older than go.mod's go %s", gov, m[1])
	}
	b := d.stage("build")
	if b == nil {
		t.Fatal("no stage named build")
	}
	copied := false
	for _, in := range b.all("COPY") {
		if in.args == "--from=go /usr/local/go /usr/local/go" {
			copied = true
		}
	}
	if !copied {
		t.Errorf("stage build does not COPY --from=go /usr/local/go")
	}
	if b.env("GOTOOLCHAIN") != "local" {
		t.Errorf("stage build lets go download another toolchain (GOTOOLCHAIN=%q, want local)", b.env("GOTOOLCHAIN"))
	}
}

// TestStages checks the stages: a pinned CUDA base, a build stage that builds ./cmd/... with
// the cgo flags of TF_DIR, and a final runtime stage made from the TensorFlow stage with the
// built programs.
func TestStages(t *testing.T) {
	d := gpuDockerfile(t)
	tf, b, rt := d.stage("tf"), d.stage("build"), d.stage("runtime")
	if tf == nil || b == nil || rt == nil {
		t.Fatalf("stages tf, build and runtime are required; have %d stages", len(d.stages))
	}
	if d.stages[len(d.stages)-1] != rt {
		t.Errorf("the last stage (the image) is %q, want runtime", d.stages[len(d.stages)-1].name)
	}
	cuda := regexp.MustCompile(`^nvidia/cuda:(\d+)\.(\d+)\.(\d+)-[a-z-]+-ubuntu\d+\.\d+$`).FindStringSubmatch(tf.image)
	if cuda == nil {
		t.Fatalf("stage tf is FROM %q, want a pinned nvidia/cuda:X.Y.Z-…-ubuntuNN.NN image", tf.image)
	}
	if cuda[1] != "12" {
		t.Errorf("CUDA %s.%s: TensorFlow 2.18 wheels need CUDA 12", cuda[1], cuda[2])
	}
	if b.image != "tf" || rt.image != "tf" {
		t.Errorf("build is FROM %q and runtime FROM %q; both must build on stage tf", b.image, rt.image)
	}
	built := false
	for _, in := range b.all("RUN") {
		if strings.Contains(in.args, "go build") && strings.Contains(in.args, "./cmd/...") {
			built = true
		}
	}
	if !built {
		t.Errorf("stage build never runs go build … ./cmd/...")
	}
	if got := b.env("CGO_CFLAGS"); got != "-I/opt/tf/include" {
		t.Errorf("CGO_CFLAGS = %q, want -I/opt/tf/include", got)
	}
	if got := b.env("CGO_LDFLAGS"); !strings.Contains(got, "-L/opt/tf/lib") || !strings.Contains(got, "-rpath,/opt/tf/lib") {
		t.Errorf("CGO_LDFLAGS = %q, want -L and -rpath of /opt/tf/lib", got)
	}
	copied := false
	for _, in := range rt.all("COPY") {
		if strings.HasPrefix(in.args, "--from=build ") {
			copied = true
		}
	}
	if !copied {
		t.Errorf("stage runtime copies nothing from build")
	}
}

// TestEntrypoint checks that the image has an exec-form ENTRYPOINT, that it is the script in
// this directory, which runs the programs, and a default CMD.
func TestEntrypoint(t *testing.T) {
	rt := gpuDockerfile(t).stage("runtime")
	if rt == nil {
		t.Fatal("no stage runtime")
	}
	eps := rt.all("ENTRYPOINT")
	if len(eps) != 1 {
		t.Fatalf("stage runtime has %d ENTRYPOINTs, want 1", len(eps))
	}
	var argv []string
	if err := json.Unmarshal([]byte(eps[0].args), &argv); err != nil || len(argv) == 0 {
		t.Fatalf("ENTRYPOINT %s is not in exec form (a JSON array): %v", eps[0].args, err)
	}
	var src string
	for _, in := range rt.all("COPY") {
		f := strings.Fields(in.args)
		if len(f) >= 2 && f[len(f)-1] == argv[0] && !strings.HasPrefix(f[0], "--from") {
			src = f[len(f)-2]
		}
	}
	if src == "" {
		t.Fatalf("the ENTRYPOINT %s is not copied into the image from the build context", argv[0])
	}
	script := readFile(t, filepath.Join("..", src))
	if !strings.HasPrefix(script, "#!/bin/sh") || !strings.Contains(script, `exec "$@"`) {
		t.Errorf("%s must be a /bin/sh script that execs its arguments", src)
	}
	cmds := rt.all("CMD")
	if len(cmds) != 1 {
		t.Fatalf("stage runtime has %d CMDs, want 1", len(cmds))
	}
	var def []string
	if err := json.Unmarshal([]byte(cmds[0].args), &def); err != nil || len(def) == 0 || def[0] != "tfinfo" {
		t.Errorf("CMD %s, want an exec-form tfinfo command", cmds[0].args)
	}
	if _, err := os.Stat(filepath.Join("..", "cmd", def[0])); err != nil {
		t.Errorf("the default command %s is not one of the project's programs: %v", def[0], err)
	}
}

// TestLibraryPath checks that LD_LIBRARY_PATH holds TF_DIR/lib and the lib directories of the
// nvidia-* wheels TensorFlow loads its CUDA libraries from, and that TF_DIR/lib gets the same
// links as scripts/tf-deps.sh makes.
func TestLibraryPath(t *testing.T) {
	d := gpuDockerfile(t)
	tf := d.stage("tf")
	if tf == nil {
		t.Fatal("no stage tf")
	}
	ld := tf.env("LD_LIBRARY_PATH")
	dirs := strings.Split(ld, ":")
	has := map[string]bool{}
	for _, dir := range dirs {
		if dir == "" {
			t.Errorf("LD_LIBRARY_PATH %q has an empty entry (the current directory)", ld)
		}
		has[dir] = true
	}
	if !has["/opt/tf/lib"] {
		t.Errorf("LD_LIBRARY_PATH lacks /opt/tf/lib")
	}
	// The wheels tensorflow[and-cuda]==2.18.1 requires (pip install --dry-run --report),
	// except cuda_nvcc, which holds ptxas rather than libraries.
	for _, pkg := range []string{"cublas", "cuda_cupti", "cuda_nvrtc", "cuda_runtime", "cudnn", "cufft",
		"curand", "cusolver", "cusparse", "nccl", "nvjitlink"} {
		if dir := "/opt/tf/site-packages/nvidia/" + pkg + "/lib"; !has[dir] {
			t.Errorf("LD_LIBRARY_PATH lacks %s", dir)
		}
	}
	var runs strings.Builder
	for _, in := range tf.all("RUN") {
		runs.WriteString(in.args + "\n")
	}
	links := regexp.MustCompile(`\$TF_DIR/lib\.tmp/([\w.]+)"`).FindAllStringSubmatch(readFile(t, "../scripts/tf-deps.sh"), -1)
	if len(links) < 4 {
		t.Fatalf("found %d library links in scripts/tf-deps.sh, want 4", len(links))
	}
	for _, l := range links {
		if !strings.Contains(runs.String(), `"$TF_DIR/lib/`+l[1]+`"`) {
			t.Errorf("stage tf does not create $TF_DIR/lib/%s as scripts/tf-deps.sh does", l[1])
		}
	}
	if tf.env("TF_DIR") != "/opt/tf" {
		t.Errorf("TF_DIR = %q, want /opt/tf (the paths above assume it)", tf.env("TF_DIR"))
	}
}

// TestParseDockerfile checks the parser on continuation lines, comments and stages.
func TestParseDockerfile(t *testing.T) {
	d, err := parseDockerfile("# syntax=docker/dockerfile:1\nARG V=1.2\nFROM img:${V} AS a\n" +
		"ENV A=1 \\\n    B=\"x y\"\n# comment\nRUN echo \\\n# inside\n  hi\nFROM a AS b\nCMD [\"x\"]\n")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.stages) != 2 || d.stages[0].image != "img:1.2" || d.stages[0].name != "a" || d.stages[1].image != "a" {
		t.Fatalf("stages %+v", d.stages)
	}
	a := d.stages[0]
	if a.env("A") != "1" || a.env("B") != "x y" {
		t.Errorf("ENV A=%q B=%q", a.env("A"), a.env("B"))
	}
	if r := a.all("RUN"); len(r) != 1 || strings.Join(strings.Fields(r[0].args), " ") != "echo hi" {
		t.Errorf("RUN %+v", r)
	}
	if _, err := parseDockerfile("FROM x\nRUN a \\\n"); err == nil {
		t.Errorf("a trailing continuation parsed without error")
	}
}
