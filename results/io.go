package results

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// MaxFileSize bounds what Read and Decode accept (256 MiB): far above any real run, low enough
// that a wrong file cannot exhaust memory.
const MaxFileSize = 256 << 20

var maxFileSize int64 = MaxFileSize // tests lower it

// Write stores f at path as indented JSON, atomically: it writes a temporary file in the same
// directory, syncs it and renames it over path, so a reader sees the old file or the new one,
// never a part. Results are written sorted by target (in the order of Targets), then case (in
// the order of Cases); f itself is not modified. Write refuses a File that Read would refuse.
func Write(path string, f *File) error {
	data, err := Encode(f)
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	return writeAtomic(path, data)
}

// Encode is the JSON Write stores: f validated, sorted and indented, with a final newline.
// A missing Schema is filled in; a different one is an error.
func Encode(f *File) ([]byte, error) {
	if f == nil {
		return nil, errors.New("no results (nil File)")
	}
	out := *f
	if out.Schema == "" {
		out.Schema = Schema
	}
	if out.Schema != Schema {
		return nil, fmt.Errorf("schema is %q; this expectspec writes %s", out.Schema, Schema)
	}
	if err := out.validate(); err != nil {
		return nil, err
	}
	out.Targets = nonNil(out.Targets)
	out.Cases = slices.Clone(nonNil(out.Cases))
	for i := range out.Cases {
		out.Cases[i].Roles = nonNil(out.Cases[i].Roles)
		out.Cases[i].Requirements = nonNil(out.Cases[i].Requirements)
	}
	out.Results = slices.Clone(nonNil(out.Results))
	for i := range out.Results {
		out.Results[i].Trace = nonNil(out.Results[i].Trace)
	}
	out.sortResults()
	data, err := json.MarshalIndent(&out, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// sortResults orders results by target order, then case order (stable for anything else).
func (f *File) sortResults() {
	ti := make(map[string]int, len(f.Targets))
	for i, t := range f.Targets {
		ti[t.Name] = i
	}
	ci := make(map[string]int, len(f.Cases))
	for i, c := range f.Cases {
		ci[c.ID] = i
	}
	slices.SortStableFunc(f.Results, func(a, b Result) int {
		if d := ti[a.Target] - ti[b.Target]; d != 0 {
			return d
		}
		return ci[a.Case] - ci[b.Case]
	})
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// writeAtomic writes data to path through a synced temporary file in the same directory.
func writeAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		// name the file asked for, not the temporary one
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("cannot write %s: the directory %s does not exist", path, dir)
		}
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
			err = fmt.Errorf("cannot write %s: %w", path, err)
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Chmod(0o644); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	// Make the rename itself durable; not every platform lets a directory be synced.
	if d, derr := os.Open(dir); derr == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// Read loads and checks the results file at path. Errors name the file and say what is wrong
// with it; no input makes Read panic.
func Read(path string) (*File, error) {
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, missingFile(path)
	case err != nil:
		return nil, fmt.Errorf("cannot read %s: %w", path, err)
	case st.IsDir():
		return nil, fmt.Errorf("%s is a directory, not a results file (results.json is inside it?)", path)
	}
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", path, err)
	}
	defer fh.Close()
	return decode(path, fh)
}

// Decode reads and checks one results file from r; errors call it "results file".
func Decode(r io.Reader) (*File, error) {
	return decode("results file", r)
}

func decode(name string, r io.Reader) (*File, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", name, err)
	}
	if int64(len(data)) > maxFileSize {
		return nil, fmt.Errorf("%s is larger than %d bytes; not a results file", name, maxFileSize)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("%s is empty", name)
	}
	if err := checkJSON(name, data); err != nil {
		return nil, err
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil || top == nil {
		return nil, fmt.Errorf("%s is JSON but not a results file: the top level is %s, not an object", name, jsonKind(data))
	}
	raw, ok := top["schema"]
	if !ok {
		return nil, fmt.Errorf("%s has no \"schema\" field; this expectspec reads %s", name, Schema)
	}
	var schema string
	if err := json.Unmarshal(raw, &schema); err != nil {
		return nil, fmt.Errorf("%s has schema %s, not a string; this expectspec reads %s", name, clip(string(raw), 80), Schema)
	}
	if schema != Schema {
		hint := ""
		if strings.HasPrefix(schema, "expectspec/results/") {
			hint = " (a newer or older expectspec wrote it)"
		}
		return nil, fmt.Errorf("%s has schema %q; this expectspec reads %s%s", name, clip(schema, 80), Schema, hint)
	}
	f := new(File)
	if err := json.Unmarshal(data, f); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return nil, fmt.Errorf("%s: field %q holds a JSON %s, want %s", name, te.Field, te.Value, jsonType(te.Type.String()))
		}
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if err := f.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return f, nil
}

// checkJSON tells a file that is not JSON from one that was cut short.
func checkJSON(name string, data []byte) error {
	if json.Valid(data) {
		return nil
	}
	var v any
	err := json.Unmarshal(data, &v)
	var se *json.SyntaxError
	if errors.As(err, &se) {
		if se.Error() == "unexpected end of JSON input" {
			return fmt.Errorf("%s is truncated: the JSON ends early after %d bytes (an interrupted write?)", name, len(data))
		}
		line, col := position(data, se.Offset)
		return fmt.Errorf("%s is not JSON: %v at line %d, column %d", name, se, line, col)
	}
	return fmt.Errorf("%s is not JSON: %v", name, err)
}

func position(data []byte, off int64) (line, col int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	before := data[:off]
	line = bytes.Count(before, []byte{'\n'}) + 1
	col = int(off) - (bytes.LastIndexByte(before, '\n') + 1)
	return line, col
}

func jsonKind(data []byte) string {
	switch b := bytes.TrimSpace(data); b[0] {
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 'n':
		return "null"
	case 't', 'f':
		return "a boolean"
	default:
		return "a number"
	}
}

func jsonType(goType string) string {
	switch {
	case strings.HasPrefix(goType, "[]"):
		return "an array"
	case strings.Contains(goType, "int"), strings.Contains(goType, "float"):
		return "a number"
	case goType == "string", strings.HasSuffix(goType, "Verdict"):
		return "a string"
	case goType == "time.Time":
		return "an RFC 3339 time string"
	}
	return "an object"
}

// validate checks what every reader relies on: unique target names and case IDs, known
// verdicts, and results that name a known target and case, at most once per cell.
func (f *File) validate() error {
	targets := make(map[string]bool, len(f.Targets))
	for i, t := range f.Targets {
		if t.Name == "" {
			return fmt.Errorf("targets[%d] has no name", i)
		}
		if targets[t.Name] {
			return fmt.Errorf("target %q is listed twice", clip(t.Name, 80))
		}
		targets[t.Name] = true
	}
	caseIDs := make(map[string]bool, len(f.Cases))
	for i, c := range f.Cases {
		if c.ID == "" {
			return fmt.Errorf("cases[%d] has no id", i)
		}
		if caseIDs[c.ID] {
			return fmt.Errorf("case %q is listed twice", clip(c.ID, 80))
		}
		caseIDs[c.ID] = true
	}
	seen := make(map[cellKey]bool, len(f.Results))
	for i, r := range f.Results {
		where := fmt.Sprintf("results[%d] (target %q, case %q)", i, clip(r.Target, 80), clip(r.Case, 80))
		if !targets[r.Target] {
			return fmt.Errorf("%s names a target that is not in \"targets\"", where)
		}
		if !caseIDs[r.Case] {
			return fmt.Errorf("%s names a case that is not in \"cases\"", where)
		}
		if !r.Verdict.Valid() {
			return fmt.Errorf("%s has verdict %q; want one of pass, fail, warn, info, na, error", where, clip(string(r.Verdict), 80))
		}
		for _, v := range r.Runs {
			if !v.Valid() {
				return fmt.Errorf("%s has a run with verdict %q; want one of pass, fail, warn, info, na, error", where, clip(string(v), 80))
			}
		}
		for _, rr := range r.RunReasons {
			if !rr.Verdict.Valid() {
				return fmt.Errorf("%s has a run reason with verdict %q; want one of pass, fail, warn, info, na, error", where, clip(string(rr.Verdict), 80))
			}
		}
		k := cellKey{r.Target, r.Case}
		if seen[k] {
			return fmt.Errorf("%s is the second result for that target and case", where)
		}
		seen[k] = true
	}
	return nil
}

// clip shortens s to at most n runes, marking the cut.
func clip(s string, n int) string {
	if n <= 0 {
		return ""
	}
	i := 0
	for j := range s {
		if i == n {
			return s[:j] + "…"
		}
		i++
	}
	return s
}

// missingFile is the error of Read for a path where there is no file; errors.Is(err,
// fs.ErrNotExist) holds.
type missingFile string

func (m missingFile) Error() string { return string(m) + " does not exist" }
func (missingFile) Unwrap() error   { return fs.ErrNotExist }
