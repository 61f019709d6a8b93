package recruitscan

import "fmt"

// Level is the risk level of a verdict, ordered: LevelNone < LevelLow <
// LevelMedium < LevelHigh. Its text form is "none", "low", "medium", "high".
type Level int8

// Levels.
const (
	LevelNone Level = iota
	LevelLow
	LevelMedium
	LevelHigh
)

var levelNames = [...]string{"none", "low", "medium", "high"}

// String returns the level's name.
func (l Level) String() string {
	if l < LevelNone || l > LevelHigh {
		return fmt.Sprintf("level(%d)", int8(l))
	}
	return levelNames[l]
}

// ParseLevel parses "none", "low", "medium" or "high".
func ParseLevel(s string) (Level, error) {
	for i, n := range levelNames {
		if n == s {
			return Level(i), nil
		}
	}
	return LevelNone, fmt.Errorf("parse level %q: %w (want none, low, medium or high)", s, ErrInvalid)
}

// MarshalText implements encoding.TextMarshaler.
func (l Level) MarshalText() ([]byte, error) {
	if l < LevelNone || l > LevelHigh {
		return nil, fmt.Errorf("marshal level %d: %w", int8(l), ErrInvalid)
	}
	return []byte(levelNames[l]), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (l *Level) UnmarshalText(b []byte) error {
	v, err := ParseLevel(string(b))
	if err != nil {
		return err
	}
	*l = v
	return nil
}
