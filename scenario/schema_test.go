package scenario

import (
	"encoding/json"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// TestSchemaMatchesConfig keeps docs/scenario.schema.json in step with the
// Config structs: every key the decoder accepts is in the schema and the
// schema has no key the decoder would reject.
func TestSchemaMatchesConfig(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../docs/scenario.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var root map[string]any
	if err := json.Unmarshal(b, &root); err != nil {
		t.Fatal(err)
	}
	defs, _ := root["$defs"].(map[string]any)
	var resolve func(s map[string]any) map[string]any
	resolve = func(s map[string]any) map[string]any {
		if ref, ok := s["$ref"].(string); ok {
			return resolve(defs[strings.TrimPrefix(ref, "#/$defs/")].(map[string]any))
		}
		if s["properties"] == nil {
			for _, k := range []string{"oneOf", "anyOf"} {
				alts, _ := s[k].([]any)
				for _, a := range alts {
					if m := a.(map[string]any); m["properties"] != nil {
						return m
					}
				}
			}
		}
		return s
	}
	var walk func(path string, typ reflect.Type, s map[string]any)
	walk = func(path string, typ reflect.Type, s map[string]any) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice {
			typ = typ.Elem()
			if it, ok := s["items"].(map[string]any); ok {
				s = it
			}
		}
		s = resolve(s)
		if typ.Kind() != reflect.Struct || typ == reflect.TypeOf(Window{}) || typ == reflect.TypeOf(Fault{}) {
			return
		}
		props, _ := s["properties"].(map[string]any)
		idx, names := fieldInfo(typ)
		var inSchema []string
		for k := range props {
			inSchema = append(inSchema, k)
		}
		sort.Strings(inSchema)
		if strings.Join(names, ",") != strings.Join(inSchema, ",") {
			t.Errorf("%s: config keys %v, schema keys %v", path, names, inSchema)
		}
		for name, i := range idx {
			if p, ok := props[name].(map[string]any); ok {
				walk(path+"."+name, typ.Field(i).Type, p)
			}
		}
	}
	walk("scenario", reflect.TypeOf(Config{}), root)
	// Enumerations the validator knows are in the schema too.
	step := defs["step"].(map[string]any)["properties"].(map[string]any)
	if got := enum(step["action"]); strings.Join(got, ",") != strings.Join(actionNames(), ",") {
		t.Errorf("schema actions %v, validator %v", got, actionNames())
	}
	assertion := defs["assertion"].(map[string]any)["properties"].(map[string]any)
	if got := enum(assertion["metric"]); strings.Join(got, ",") != strings.Join(MetricNames(), ",") {
		t.Errorf("schema metrics %v, validator %v", got, MetricNames())
	}
	faults := step["fault"].(map[string]any)["properties"].(map[string]any)
	var fnames []string
	for k := range faults {
		fnames = append(fnames, k)
	}
	sort.Strings(fnames)
	if strings.Join(fnames, ",") != strings.Join(FaultNames(), ",") {
		t.Errorf("schema faults %v, validator %v", fnames, FaultNames())
	}
}

func enum(v any) []string {
	var out []string
	for _, x := range v.(map[string]any)["enum"].([]any) {
		out = append(out, x.(string))
	}
	sort.Strings(out)
	return out
}

// TestDocExampleParses keeps the complete example of docs/scenario.md valid.
func TestDocExampleParses(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../docs/scenario.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	start := strings.Index(doc, "## A complete small example")
	from := strings.Index(doc[start:], "```yaml\n") + start + len("```yaml\n")
	to := strings.Index(doc[from:], "```") + from
	if _, err := Parse("docs/scenario.md", []byte(doc[from:to])); err != nil {
		t.Errorf("the example in docs/scenario.md does not parse:\n%v", err)
	}
}
