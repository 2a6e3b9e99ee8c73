// Copyright 2026 gongjian authors. Added to FerretDB's sqlite/metadata package at build time.
//
// A sort key for one top-level field that SQLite orders exactly as MongoDB does, as two
// expressions: the BSON type's rank in MongoDB's comparison order, read from the sjson
// schema ("$s"), then the value as SQLite reads it (->>). Within the ranks we push
// (null/missing, numbers, strings, ObjectIds, booleans, dates) SQLite's own order is
// MongoDB's: numbers of every type compare numerically (SQLite compares INTEGER with REAL
// exactly), strings byte-wise like MongoDB's simple collation, ObjectIds as fixed-length
// lowercase hex, booleans as 0/1, dates as milliseconds. The JSON text the other indexes use
// (->) would not do: "ab" sorts after "ab c" and "10" before "9" as text.
// The other ranks (objects, arrays, binary, timestamps, regexes) are not ordered like
// MongoDB by these keys; sortedWhere in the sqlite package never returns rows when one is
// among the candidates (see gongjian_sort.go).
//
// Non-unique compound indexes store this key for every field after the first, so that an
// index (place, published_at) serves "place = ? ORDER BY published_at" in order. Unique
// indexes keep the JSON text (their meaning of "duplicate" must not change).

package metadata

import (
	"fmt"
	"regexp"
	"strings"
)

// sortableField: names we can spell inside a JSON path literal without escaping.
var sortableField = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// SortableField reports whether field can be ordered by SortKeyExprs.
func SortableField(field string) bool {
	return sortableField.MatchString(field)
}

// Ranks of SortRankExpr that SQLite does not order like MongoDB (99: a type we do not know).
const UnsafeSortRanks = "4, 5, 6, 10, 11, 99"

// SortKeyExprs returns the rank and value expressions ordering a sortable top-level field.
func SortKeyExprs(field string) (rank, value string) {
	typ := fmt.Sprintf(`%s->>'$."$s".p."%s".t'`, DefaultColumn, field)
	rank = "CASE coalesce(" + typ + ", 'null') WHEN 'null' THEN 1" +
		" WHEN 'int' THEN 2 WHEN 'long' THEN 2 WHEN 'double' THEN 2 WHEN 'string' THEN 3" +
		" WHEN 'object' THEN 4 WHEN 'array' THEN 5 WHEN 'binData' THEN 6 WHEN 'objectId' THEN 7" +
		" WHEN 'bool' THEN 8 WHEN 'date' THEN 9 WHEN 'timestamp' THEN 10 WHEN 'regex' THEN 11" +
		" ELSE 99 END"
	value = fmt.Sprintf(`%s->>%q`, DefaultColumn, field)

	return rank, value
}

// SortKeyOrder is "rank DIR, value DIR" for an ORDER BY or an index definition.
func SortKeyOrder(field string, descending bool) string {
	rank, value := SortKeyExprs(field)
	if descending {
		return rank + " DESC, " + value + " DESC"
	}

	return rank + ", " + value
}

// gongjianIndexColumn is the column list entry for key, the i-th of an index.
func gongjianIndexColumn(key IndexKeyPair, i int, unique bool) string {
	if i > 0 && !unique && SortableField(key.Field) {
		return SortKeyOrder(key.Field, key.Descending)
	}

	column := FieldExpr(key.Field)
	if key.Descending {
		column += " DESC"
	}

	return column
}

// LeadsIndex reports whether some index of c starts with field (a lookup on it is a seek).
func LeadsIndex(c *Collection, field string) bool {
	for _, index := range c.Settings.Indexes {
		if len(index.Key) > 0 && index.Key[0].Field == field && !strings.ContainsRune(field, '.') {
			return true
		}
	}

	return false
}
