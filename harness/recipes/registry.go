package recipes

import (
	"fmt"
	"sort"
	"strings"

	"github.com/expectspec/expectspec/harness/conv"
)

// registry holds every recipe; each recipe file adds its own in an init function.
var registry []*Recipe

func register(rs ...*Recipe) { registry = append(registry, rs...) }

// All returns every recipe, origins first, then gateways, proxies and clients, each by name.
func All() []*Recipe {
	out := append([]*Recipe(nil), registry...)
	order := map[conv.Role]int{Origin: 0, Gateway: 1, Proxy: 2, Client: 3}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Role != out[j].Role {
			return order[out[i].Role] < order[out[j].Role]
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// Select returns the recipes named in names (all of them when names is empty), in the order of
// All, or an error naming the unknown ones and the known names.
func Select(names []string) ([]*Recipe, error) {
	all := All()
	if len(names) == 0 {
		return all, nil
	}
	want := map[string]bool{}
	for _, n := range names {
		want[strings.TrimSpace(n)] = true
	}
	var out []*Recipe
	for _, r := range all {
		if want[r.Name] {
			out = append(out, r)
			delete(want, r.Name)
		}
	}
	if len(want) > 0 {
		var unknown, known []string
		for n := range want {
			unknown = append(unknown, n)
		}
		for _, r := range all {
			known = append(known, r.Name)
		}
		sort.Strings(unknown)
		return nil, fmt.Errorf("unknown recipe %s (known: %s)", strings.Join(unknown, ", "), strings.Join(known, ", "))
	}
	return out, nil
}
