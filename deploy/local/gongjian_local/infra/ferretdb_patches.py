"""Our patches to FerretDB's source (files in deploy/local/ferretdb/), and their cache key.

1. Lock the collection for the whole read-modify-write of update and findAndModify
   (``gongjian_writelock.go``): upstream loses concurrent writes to one document.
2. An update command closes each statement's query before the next: upstream defers the
   close to the end of the command, so a bulk of 100+ updates holds 100 SQLite connections
   (the pool's maximum) and the command, and then the whole database, hangs forever.
3. Queries use the indexes (``gongjian_fieldexpr.go``, ``gongjian_pushdown.go``): upstream
   builds indexes on ``->"_id"`` but queries ``->'$._id'``, so SQLite scanned every table;
   and it pushed no filter but ``{_id: ...}`` down. Now equality filters on top-level fields
   reach SQLite with the index's own expression.
4. A filtered find sorted on one top-level field is ordered by SQLite and stops after
   skip+limit matches (``gongjian_sortkey.go``, ``gongjian_sort.go``, ``gongjian_sortfind.go``):
   upstream sorted every candidate in memory (a page of a city's demands decoded all of
   them). Non-unique compound indexes store a MongoDB-ordered key for their later fields so
   that (place, published_at) serves the order; guards fall back to upstream's in-memory
   sort whenever SQLite's order could differ from MongoDB's.

The binary's cache folder is named after :func:`patch_key`, a hash of all of this, so any
change to a patch builds a new binary and a server started from an older one is noticed.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from .ports import InfraError

PATCH_DIR = Path(__file__).resolve().parents[2] / "ferretdb"
# Our Go files and the package folder (in the module) each one joins.
NEW_FILES = (
    ("gongjian_writelock.go", "internal/handler"),
    ("gongjian_fieldexpr.go", "internal/backends/sqlite/metadata"),
    ("gongjian_pushdown.go", "internal/backends/sqlite"),
    ("gongjian_sortkey.go", "internal/backends/sqlite/metadata"),
    ("gongjian_sort.go", "internal/backends/sqlite"),
    ("gongjian_sortfind.go", "internal/handler"),
)
_UPDATE = "func (h *Handler) updateDocument(ctx context.Context, params *common.UpdateParams) (int32, int32, *types.Array, error) {\n"  # noqa: E501
_FIND_AND_MODIFY = "func (h *Handler) findAndModifyDocument(ctx context.Context, params *common.FindAndModifyParams) (*findAndModifyResult, error) {\n"  # noqa: E501
_LOCK = "\tdefer gongjianLockCollection(params.DB, params.Collection)()\n"
_ID_PUSHDOWN = """\tif params.Filter.Len() == 1 {
\t\tv, _ := params.Filter.Get("_id")
\t\tswitch v.(type) {
\t\tcase string, types.ObjectID:
%s\t\t\twhereClause = fmt.Sprintf(` WHERE %%s = ?`, metadata.IDColumn)
\t\t\targs = []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}
\t\t}
\t}
"""
_INDEX_COLUMN = """\t\t\tfields := strings.Split(key.Field, ".")
\t\t\tfor j, f := range fields {
\t\t\t\tfields[j] = fmt.Sprintf("%q", f)
\t\t\t}

\t\t\tcolumns[i] = fmt.Sprintf("%s->%s", DefaultColumn, strings.Join(fields, "->"))
\t\t\tif key.Descending {
\t\t\t\tcolumns[i] += " DESC"
\t\t\t}
"""
# (file, upstream text, our text): each upstream text must occur in the file.
REPLACEMENTS = (
    ("internal/handler/msg_update.go", _UPDATE, _UPDATE + _LOCK),
    ("internal/handler/msg_findandmodify.go", _FIND_AND_MODIFY, _FIND_AND_MODIFY + _LOCK),
    ("internal/handler/msg_update.go",
     "\t\tcloser := iterator.NewMultiCloser()\n\t\tdefer closer.Close()\n",
     "\t\tcloser := iterator.NewMultiCloser()\n"),
    ("internal/handler/msg_update.go",
     "\t\tresult, err := common.UpdateDocument(ctx, c, \"update\", iter, &u)\n",
     "\t\tresult, err := common.UpdateDocument(ctx, c, \"update\", iter, &u)\n\t\tcloser.Close()\n"),
    ("internal/backends/sqlite/metadata/metadata.go",
     "\tIDColumn = DefaultColumn + \"->'$._id'\"\n",
     "\tIDColumn = DefaultColumn + `->\"_id\"` // == FieldExpr(\"_id\"), the _id index's expression\n"),
    ("internal/backends/sqlite/metadata/registry.go", _INDEX_COLUMN,
     "\t\t\tcolumns[i] = gongjianIndexColumn(key, i, index.Unique)\n"),
    ("internal/backends/sqlite/collection.go", _ID_PUSHDOWN % "",
     "\twhereClause, args = gongjianWhere(params.Filter)\n"),
    ("internal/backends/sqlite/collection.go", _ID_PUSHDOWN % "\t\t\tfilterPushdown = true\n",
     "\twhereClause, args = gongjianWhere(params.Filter)\n\tfilterPushdown = whereClause != \"\"\n"),
    # sort pushdown (gongjian_sort.go, gongjian_sortfind.go)
    ("internal/backends/collection.go", "\tOnlyRecordIDs bool\n\tComment       string\n}\n",
     "\tOnlyRecordIDs bool\n\tComment       string\n\n\tGongjianSort *types.Document // one top-level field; see gongjian_sort.go\n}\n"),
    ("internal/backends/collection.go", "type QueryResult struct {\n\tIter types.DocumentsIterator\n}\n",
     "type QueryResult struct {\n\tIter types.DocumentsIterator\n\n\tGongjianSorted bool // rows come ordered by QueryParams.GongjianSort\n}\n"),
    ("internal/backends/sqlite/collection.go", "\tq += whereClause\n\tq += prepareOrderByClause(params.Sort)\n",
     "\twhereClause, args, gongjianSorted := gongjianSortedWhere(meta, params.Filter, params.GongjianSort, whereClause, args)\n"
     "\tq += whereClause\n\tq += prepareOrderByClause(params.Sort)\n"),
    ("internal/backends/sqlite/collection.go",
     "\t\tIter: newQueryIterator(ctx, rows, params.OnlyRecordIDs),\n\t}, nil\n}\n\n// InsertAll",
     "\t\tIter:           newQueryIterator(ctx, rows, params.OnlyRecordIDs),\n\t\tGongjianSorted: gongjianSorted,\n"
     "\t}, nil\n}\n\n// InsertAll"),
    ("internal/handler/msg_find.go", "\tqueryRes, err := coll.Query(ctx, qp)\n",
     "\tqueryRes, iterParams, err := gongjianQuery(ctx, coll, qp, params, capped)\n"),
    ("internal/handler/msg_find.go", "\titer, err := h.makeFindIter(queryRes.Iter, closer, params)\n",
     "\titer, err := h.makeFindIter(queryRes.Iter, closer, iterParams)\n"),
    ("internal/backends/collection.go", "\tSort   *types.Document\n\tLimit  int64\n}\n",
     "\tSort   *types.Document\n\tLimit  int64\n\n\tGongjianSort *types.Document // as in QueryParams\n}\n"),
    ("internal/backends/sqlite/collection.go", "\tsortPushdown := orderByClause != \"\"\n",
     "\tsortPushdown := orderByClause != \"\"\n\tif w, a, ok := gongjianSortedWhere(meta, params.Filter, params.GongjianSort, whereClause, args); ok {\n"
     "\t\twhereClause, args, sortPushdown = w, a, true\n\t}\n"),
    ("internal/handler/msg_explain.go", "\tres, err := coll.Explain(connCtx, qp)\n",
     "\tqp.GongjianSort = gongjianPushedSort(qp.Filter, qp.Sort, qp.Limit, params.Sort, cInfo.Capped())\n"
     "\tres, err := coll.Explain(connCtx, qp)\n"),
)


def patch_key() -> str:
    """A short hash of every patch: names the cached binary, so a changed patch rebuilds."""
    digest = hashlib.sha256(repr(REPLACEMENTS).encode())
    for name, dest in NEW_FILES:
        digest.update(f"{dest}/{name}\0".encode())
        digest.update((PATCH_DIR / name).read_bytes())
    return "gj-" + digest.hexdigest()[:10]


def apply_patches(src: Path) -> None:
    """Patch the copied module source in src (see the module docstring for why)."""
    for name, dest in NEW_FILES:
        shutil.copy(PATCH_DIR / name, src / dest / name)
    for relative, upstream, ours in REPLACEMENTS:
        path = src / relative
        text = path.read_text()
        if upstream not in text:
            raise InfraError(f"cannot patch {relative}: the expected code is not there (FerretDB changed?)")
        path.write_text(text.replace(upstream, ours, 1))
