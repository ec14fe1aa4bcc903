package cases

// Gateway (reverse proxy) scenarios, requirements.md §2.6.
var gatewayCases []Case
