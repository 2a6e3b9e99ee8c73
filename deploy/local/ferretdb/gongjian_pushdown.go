// Copyright 2026 gongjian authors. Added to FerretDB's sqlite backend package at build time.
//
// Upstream pushes a filter down to SQLite only when it is exactly {_id: <string|ObjectID>}.
// We push every top-level equality (and $eq / $in) on a string, ObjectID, bool or non-zero
// integer, so SQLite can use the index on that field. The handler still applies the full
// filter to every returned document, so the WHERE clause only has to return a superset of
// the matches: it must never drop a document MongoDB would match. Hence:
//   - dotted paths are not pushed (an array on the path changes what matches);
//   - a field other than _id may hold an array whose element matches, so arrays (their JSON
//     text starts with '[', and '\' is the next character) are always returned too; this
//     is a range on the same expression, so the index still serves it;
//   - numbers: Go writes a double 5.0 as 5, like the integer 5; 0 is not pushed (-0.0 is 0).

package sqlite

import (
	"strings"

	"github.com/FerretDB/FerretDB/internal/backends/sqlite/metadata"
	"github.com/FerretDB/FerretDB/internal/handler/sjson"
	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/must"
)

// gongjianMaxIn bounds the $in lists we push (SQLite allows many more parameters).
const gongjianMaxIn = 500

// gongjianWhere returns " WHERE ..." (or "") and its arguments for filter.
func gongjianWhere(filter *types.Document) (string, []any) {
	terms, args, _ := gongjianTerms(filter, nil)
	if len(terms) == 0 {
		return "", nil
	}

	return " WHERE " + strings.Join(terms, " AND "), args
}

// gongjianTerms returns the pushed terms of filter and their arguments. For the fields
// noArrays accepts, the term omits the arrays' range (it is then exact only if the field
// holds no array: the caller must guard that); those fields are returned too.
func gongjianTerms(filter *types.Document, noArrays func(string) bool) ([]string, []any, []string) {
	if filter == nil {
		return nil, nil, nil
	}

	var terms []string
	var args []any
	var exact []string

	for _, key := range filter.Keys() {
		if key == "" || strings.HasPrefix(key, "$") || strings.ContainsRune(key, '.') {
			continue
		}

		values := gongjianEqualValues(must.NotFail(filter.Get(key)))
		if len(values) == 0 {
			continue
		}

		expr := metadata.FieldExpr(key)
		term := expr + " = ?"
		if len(values) > 1 {
			term = expr + " IN (?" + strings.Repeat(", ?", len(values)-1) + ")"
		}

		switch {
		case key == "_id": // MongoDB never stores an array as _id
		case noArrays != nil && noArrays(key):
			exact = append(exact, key)
		default:
			term = "(" + term + " OR " + gongjianArrays(expr) + ")"
		}

		terms = append(terms, term)
		args = append(args, values...)
	}

	return terms, args, exact
}

// gongjianArrays matches the arrays in expr: their JSON text starts with '[', and '\' is the
// next character; a range on the same expression, so an index on it serves it.
func gongjianArrays(expr string) string {
	return "(" + expr + " >= '[' AND " + expr + ` < '\')`
}

// gongjianEqualValues returns the JSON texts a field equal to v may have, or nil if v is not pushed.
func gongjianEqualValues(v any) []any {
	if doc, ok := v.(*types.Document); ok {
		if doc.Len() != 1 {
			return nil
		}

		switch op := doc.Keys()[0]; op {
		case "$eq":
			return gongjianEqualValues(must.NotFail(doc.Get(op)))
		case "$in":
			arr, ok := must.NotFail(doc.Get(op)).(*types.Array)
			if !ok || arr.Len() == 0 || arr.Len() > gongjianMaxIn {
				return nil
			}

			values := make([]any, 0, arr.Len())
			for i := 0; i < arr.Len(); i++ {
				text, ok := gongjianScalar(must.NotFail(arr.Get(i)))
				if !ok {
					return nil
				}

				values = append(values, text)
			}

			return values
		}

		return nil
	}

	if text, ok := gongjianScalar(v); ok {
		return []any{text}
	}

	return nil
}

// gongjianScalar is the JSON text of v as SQLite's -> returns it from a stored document.
func gongjianScalar(v any) (string, bool) {
	switch v := v.(type) {
	case string, types.ObjectID, bool:
	case int32:
		if v == 0 {
			return "", false
		}
	case int64:
		if v == 0 {
			return "", false
		}
	default:
		return "", false
	}

	return string(must.NotFail(sjson.MarshalSingleValue(v))), true
}
