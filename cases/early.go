package cases

var earlyCases []Case
