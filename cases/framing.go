package cases

var framingCases []Case
