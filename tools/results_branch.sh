#!/usr/bin/env bash
# Keep asv's results directory on a branch of its own (default: benchmark-results), so every CI
# run starts from the previous results and the history is versioned apart from the code.
#
#   tools/results_branch.sh restore RESULTS_DIR           copy the branch's tree into RESULTS_DIR
#   tools/results_branch.sh push RESULTS_DIR MESSAGE      commit RESULTS_DIR as the branch's tree
#
# RESULTS_REMOTE (default origin) and RESULTS_BRANCH (default benchmark-results) pick the target.
# A missing branch is not an error: restore starts empty, push creates it as an orphan branch.
set -euo pipefail

usage() { echo "usage: $0 restore RESULTS_DIR | push RESULTS_DIR MESSAGE" >&2; exit 2; }
[ $# -ge 2 ] || usage
cmd=$1
dir=$2
remote=${RESULTS_REMOTE:-origin}
branch=${RESULTS_BRANCH:-benchmark-results}
tracking="refs/remotes/$remote/$branch"

fetch_branch() {
  git ls-remote --exit-code --heads "$remote" "$branch" >/dev/null 2>&1 || return 1
  git fetch --quiet --no-tags "$remote" "+refs/heads/$branch:$tracking"
}

case $cmd in
  restore)
    mkdir -p "$dir"
    if fetch_branch; then
      git archive "$tracking" | tar -x -C "$dir"
      echo "restored results from $remote/$branch into $dir"
    else
      echo "no branch $branch on $remote yet: starting from an empty results directory"
    fi
    ;;
  push)
    [ $# -eq 3 ] || usage
    [ -d "$dir" ] || { echo "$0: results directory $dir does not exist" >&2; exit 2; }
    work=$(mktemp -d)
    trap 'git worktree remove --force "$work" >/dev/null 2>&1 || rm -rf "$work"' EXIT
    if fetch_branch; then
      git worktree add --quiet --detach "$work" "$tracking"
    else
      git worktree add --quiet --detach "$work" HEAD
      git -C "$work" checkout --quiet --orphan "$branch-new"
      git -C "$work" rm -rfq --ignore-unmatch .
    fi
    find "$work" -mindepth 1 -maxdepth 1 ! -name .git -exec rm -rf {} +
    cp -a "$dir"/. "$work"/
    # Lock files and other hidden scratch files belong to the run, not to the history.
    find "$work" -mindepth 1 -name '.*' ! -name .git ! -path "$work/.git/*" -exec rm -rf {} +
    git -C "$work" add -A
    if git -C "$work" diff --cached --quiet; then
      echo "results unchanged: nothing to push"
      exit 0
    fi
    git -C "$work" -c user.name="${GIT_AUTHOR_NAME:-dashbench}" \
      -c user.email="${GIT_AUTHOR_EMAIL:-dashbench@users.noreply.github.com}" \
      commit --quiet -m "$3"
    git -C "$work" push --quiet "$remote" "HEAD:refs/heads/$branch"
    echo "pushed results to $remote/$branch"
    ;;
  *) usage ;;
esac
