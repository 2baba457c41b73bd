package replay

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/roombot/roombot/scenario"
)

// File reads the log at path and builds its scenario; the scenario is
// parsed and validated before it is returned, so what Build wrote is a
// scenario roombot runs. Errors name the log and the line.
func File(path string, o Options) (string, *scenario.Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", nil, err
	}
	defer f.Close()
	entries, err := Read(f)
	if err != nil {
		return "", nil, fmt.Errorf("%s: %w", path, err)
	}
	if o.Source == "" {
		o.Source = filepath.Base(path)
	}
	if o.Name == "" {
		o.Name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	text, err := Build(entries, o)
	if err != nil {
		return "", nil, fmt.Errorf("%s: %w", path, err)
	}
	c, err := scenario.Parse(o.Name+".yaml", []byte(text))
	if err != nil {
		return "", nil, fmt.Errorf("%s: the scenario built from it does not validate (a replay bug): %w", path, err)
	}
	return text, c, nil
}
