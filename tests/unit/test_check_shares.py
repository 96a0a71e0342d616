"""How `check --all` shares fifty branches between two processes (issue 13, "Scale"): each takes
several branches at a time, read together, and smaller shares towards the end, so that neither waits long
for the other and no branch is judged twice or left out."""

from __future__ import annotations

import multiprocessing

from branchdesk.services.compliance import _BATCH_BRANCHES, _take


def test_fifty_branches_are_shared_in_shrinking_takes_each_branch_once():
    bounds = multiprocessing.Array("i", [0, 50, 2])
    front, back = [], []
    while True:
        mine = _take(bounds, from_back=True)
        theirs = _take(bounds)
        back += [mine] if mine else []
        front += [theirs] if theirs else []
        if not mine and not theirs:
            break
    taken = [i for share in front + back for i in share]
    assert sorted(taken) == list(range(50)), "every branch once"
    assert all(1 <= len(share) <= _BATCH_BRANCHES for share in front + back)
    assert len(back[0]) > 1 and len(front[0]) > 1, "the first takes are read together"
    assert len(front[-1]) == 1 or len(back[-1]) == 1, "the last takes are single branches"
    assert [len(s) for s in back] == sorted((len(s) for s in back), reverse=True)
    assert all(share == sorted(share) for share in front + back)
    assert back[0][-1] == 49 and front[0][0] == 0, "this process from the back, the helper from the front"


def test_a_short_list_is_taken_one_branch_at_a_time():
    bounds = multiprocessing.Array("i", [0, 3, 2])
    assert [_take(bounds, from_back=True), _take(bounds), _take(bounds), _take(bounds)] == [[2], [0], [1], []]
