"""A LibCST transformer for the edits both rewriting passes make.

The passes decide *what* to change by looking at the original tree (with its
scope metadata); :class:`Editor` then applies the decisions: it replaces
chains, drops or trims statements, and inserts new top-level statements,
keeping every comment and blank line of the file.
"""

import libcst as cst

from contrib_norm.migrate.names import build_dotted


class Editor(cst.CSTTransformer):
    """Applies planned edits to the tree the plan was made on.

    Args:
        replace_chain: Original Name/Attribute node -> new dotted text.
        replace_small: Original small statement node -> new small statement,
            or None to remove it.
        insert_top: ``(index, [statement, ...])``: new top-level statements
            to insert before the original top-level statement at ``index``.
        replace_line: Original SimpleStatementLine -> new small statements
            to use when all its small statements are removed (instead of
            dropping the line).
        rename_keyword: Original keyword Arg node -> new keyword name.
        replace_node: Original Attribute node -> function from its updated
            node (children already edited) to the node that replaces it.
    """

    def __init__(self, replace_chain=None, replace_small=None, insert_top=None,
                 replace_line=None, rename_keyword=None, replace_node=None):
        super().__init__()
        self.replace_node = replace_node or {}
        self.rename_keyword = rename_keyword or {}
        self.replace_chain = replace_chain or {}
        self.replace_small = replace_small or {}
        self.insert_top = insert_top
        self.replace_line = replace_line or {}
        # id -> placeholder line. The nodes are kept alive here: an id of a
        # freed node can be reused by another node of the tree, which would
        # then be taken for a placeholder and dropped.
        self._placeholders = {}

    # --- expressions ------------------------------------------------------
    def _chain(self, original, updated):
        text = self.replace_chain.get(original)
        if text is None:
            return updated
        return build_dotted(text).with_changes(lpar=updated.lpar,
                                               rpar=updated.rpar)

    def leave_Name(self, original_node, updated_node):
        return self._chain(original_node, updated_node)

    def leave_Attribute(self, original_node, updated_node):
        make = self.replace_node.get(original_node)
        if make is not None:
            return make(updated_node)
        return self._chain(original_node, updated_node)

    def leave_Arg(self, original_node, updated_node):
        name = self.rename_keyword.get(original_node)
        if name is None:
            return updated_node
        return updated_node.with_changes(keyword=cst.Name(name))

    # --- statements -------------------------------------------------------
    def leave_SimpleStatementLine(self, original_node, updated_node):
        if not any(s in self.replace_small for s in original_node.body):
            return updated_node
        body = []
        for orig, upd in zip(original_node.body, updated_node.body):
            if orig in self.replace_small:
                new = self.replace_small[orig]
                if new is not None:
                    body.append(new)
            else:
                body.append(upd)
        if body:
            body[-1] = body[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
            return updated_node.with_changes(body=body)
        if original_node in self.replace_line:
            return updated_node.with_changes(body=self.replace_line[original_node])
        placeholder = updated_node.with_changes(body=[cst.Pass()])
        self._placeholders[id(placeholder)] = placeholder
        return placeholder

    def _clean_body(self, body):
        """Drops placeholder lines, moving their comments to the next line."""
        out = []
        carry = []
        for stmt in body:
            if id(stmt) in self._placeholders:
                lines = list(stmt.leading_lines)
                comment = stmt.trailing_whitespace.comment
                if comment is not None:
                    lines.append(cst.EmptyLine(comment=comment))
                carry.extend(lines)
                continue
            if carry:
                stmt = stmt.with_changes(
                    leading_lines=list(carry) + list(stmt.leading_lines))
                carry = []
            out.append(stmt)
        if not out:
            # A block cannot be empty: keep a bare `pass`.
            for stmt in body:
                if id(stmt) in self._placeholders:
                    return [stmt.with_changes(trailing_whitespace=cst.TrailingWhitespace())]
        return out

    def leave_IndentedBlock(self, original_node, updated_node):
        if not any(id(s) in self._placeholders for s in updated_node.body):
            return updated_node
        return updated_node.with_changes(body=self._clean_body(updated_node.body))

    def leave_Module(self, original_node, updated_node):
        body = list(updated_node.body)
        if self.insert_top is not None:
            index, statements = self.insert_top
            body[index:index] = statements
        if any(id(s) in self._placeholders for s in body):
            body = self._clean_body(body)
            if not body:
                return updated_node.with_changes(body=[])
        return updated_node.with_changes(body=body)


def simple_line(code):
    """Parses one line of code.

    Args:
        code: One simple statement, e.g. ``"import contrib_norm"``.

    Returns:
        A ``cst.SimpleStatementLine``.
    """
    return cst.parse_statement(code + "\n")


def import_alias_list(aliases):
    """Fixes the commas of a trimmed list of import aliases.

    Args:
        aliases: The ``cst.ImportAlias`` nodes that remain.

    Returns:
        The list, its last alias without a trailing comma.
    """
    aliases = list(aliases)
    if aliases:
        aliases[-1] = aliases[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return aliases
