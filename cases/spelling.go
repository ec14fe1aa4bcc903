package cases

var spellingCases []Case
