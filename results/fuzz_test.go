package results_test

import (
	"bytes"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/expectspec/expectspec/results"
)

// FuzzDecode checks that no input makes the reader panic, and that whatever it accepts can be
// written, read back to the same value, and rendered in every format. The seed corpus is in
// testdata/fuzz/FuzzDecode; run with go test -fuzz=FuzzDecode ./results/.
func FuzzDecode(f *testing.F) {
	valid, err := results.Encode(sample())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(valid)
	f.Add(valid[:len(valid)/2])
	f.Add([]byte(`{"schema":"expectspec/results/v1"}`))
	f.Add([]byte(`{"schema":"expectspec/results/v1","targets":[{"name":"t"}],"cases":[{"id":"c"}],"results":[{"target":"t","case":"c","verdict":"pass","trace":[{"t_ms":0.5,"dir":"send","data":"x"}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := results.Decode(bytes.NewReader(data))
		if err != nil {
			if file != nil {
				t.Fatalf("Decode returned a File and an error: %v", err)
			}
			return
		}
		out, err := results.Encode(file)
		if err != nil {
			t.Fatalf("Decode accepted a file that Encode refuses: %v", err)
		}
		again, err := results.Decode(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("Decode refuses what Encode wrote: %v\n%s", err, out)
		}
		if d := cmp.Diff(file, again, cmpopts.EquateEmpty(), cmpopts.SortSlices(func(a, b results.Result) bool {
			return a.Target+"\x00"+a.Case < b.Target+"\x00"+b.Case
		})); d != "" {
			t.Fatalf("Encode then Decode changed the file (-read +reread):\n%s", d)
		}
		if err := results.Markdown(io.Discard, file); err != nil {
			t.Fatal(err)
		}
		if err := results.HTML(io.Discard, file); err != nil {
			t.Fatal(err)
		}
		if _, err := results.EncodeJUnit(file); err != nil {
			t.Fatal(err)
		}
		results.Summary(io.Discard, file, true)
		results.ExitCode(file)
		if _, err := results.Merge(file, again); err != nil {
			t.Fatalf("a file does not merge with its own copy: %v", err)
		}
		r := results.Diff(file, again)
		if r.Unchanged != len(file.Results) || r.Regressed() {
			t.Fatalf("a file differs from its own copy: %+v", r)
		}
	})
}
