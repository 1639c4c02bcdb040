# Sourced by the bench/compare_*.sh scripts (after ROOT, OLD and NEW are set): OLD and NEW are
# checked out in $WORK/old and $WORK/new (temporary git worktrees, removed on exit with $WORK)
# and their bytecode compiled (see compare_tui.sh). A caller's own clean-up goes in on_exit,
# which runs first.
on_exit() { :; }
WORK=$(mktemp -d)
remove_worktrees() {
  on_exit || true
  for tag in old new; do git -C "$ROOT" worktree remove --force "$WORK/$tag" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap remove_worktrees EXIT
git -C "$ROOT" worktree add --detach "$WORK/old" "$OLD" >/dev/null
git -C "$ROOT" worktree add --detach "$WORK/new" "$NEW" >/dev/null
"$ROOT/.venv/bin/python" -m compileall -q "$WORK/old/reader" "$WORK/new/reader" >/dev/null
