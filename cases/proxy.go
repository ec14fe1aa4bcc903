package cases

// Forward proxy scenarios, requirements.md §2.5.
var proxyCases []Case
