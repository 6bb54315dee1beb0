package lexicon

import (
	"errors"
	"fmt"
)

// Errors a front end may need to tell apart (with errors.Is) to word its
// advice: the Dictionary page says "choose VADER above", the command line
// "use --dict vader". The package returns them inside a *RuleError (or
// wrapped with %w) that says what exactly is wrong.
var (
	// ErrUnknownRule is a rule kind other than compound, share, score or
	// majority.
	ErrUnknownRule = errors.New("unknown rule kind")
	// ErrNeedsVADER is the compound rule applied to a word list's scores.
	ErrNeedsVADER = errors.New("the compound rule needs VADER scores")
	// ErrNeedsList is a share, score or majority rule applied to VADER's
	// scores, which have no categories.
	ErrNeedsList = errors.New("this rule needs a word list's counts, not VADER scores")
	// ErrNeedsWeights is the score rule on an unweighted word list, whose
	// summed "score" would only count the matches.
	ErrNeedsWeights = errors.New("the score rule needs a weighted word list")
	// ErrUnknownCategory is a share rule on a category the dictionary does
	// not have.
	ErrUnknownCategory = errors.New("the dictionary has no such category")
	// ErrThreshold is a threshold that is not a finite number, or a
	// negative one with a neutral band (the band runs from -threshold to
	// +threshold).
	ErrThreshold = errors.New("invalid threshold")
	// ErrNoBand is a neutral band on the share rule: a share is never
	// negative, so there is nothing below -threshold.
	ErrNoBand = errors.New("a share is never negative, so the share rule has no neutral band")
	// ErrEmpty is a dictionary file without any line.
	ErrEmpty = errors.New("the file is empty")
	// ErrNoTerms is a dictionary file without any term.
	ErrNoTerms = errors.New("the dictionary has no terms")
	// ErrMismatch is a call of Evaluate whose scores and gold labels
	// differ in number.
	ErrMismatch = errors.New("the scores and the gold labels differ in number")
)

// RuleError is a rule that is not well formed or does not fit the scores
// it is applied to. Err is one of the errors above; Msg says what is wrong
// in words that suit any front end.
type RuleError struct {
	Err error
	Msg string
}

func (e *RuleError) Error() string { return e.Msg }
func (e *RuleError) Unwrap() error { return e.Err }

// ruleError returns a *RuleError for err with a message.
func ruleError(err error, format string, args ...any) error {
	return &RuleError{Err: err, Msg: fmt.Sprintf(format, args...)}
}

// ParseError is a problem with a dictionary file at a line.
type ParseError struct {
	// Line is the 1-based line of the file.
	Line int
	// Msg says what is wrong there.
	Msg string
	// Err is one of the errors above when one applies (ErrNoTerms), or nil.
	Err error
}

func (e *ParseError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }
func (e *ParseError) Unwrap() error { return e.Err }

// lineError returns a *ParseError at line.
func lineError(line int, format string, args ...any) error {
	return &ParseError{Line: line, Msg: fmt.Sprintf(format, args...)}
}
