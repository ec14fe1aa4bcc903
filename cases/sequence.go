package cases

var sequenceCases []Case
