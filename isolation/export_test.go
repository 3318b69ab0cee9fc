package isolation

// RaceEnabled tells the external tests whether this is a -race build.
const RaceEnabled = raceEnabled
