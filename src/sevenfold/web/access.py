"""The one place where case access is decided.

Every route with a ``{case_id}`` path parameter depends on :func:`case_access` (through
``Reader``, ``Analyst`` or ``Owner``). A user without a grant gets 404, exactly as for a case that
does not exist, so case ids are not disclosed; a user with too small a role gets 403. Who has which
role is :func:`sevenfold.store.accounts.case_role` (grants; an admin owns every case without an owner).
``tests/web/test_access.py`` enumerates ``app.routes`` and checks this for every endpoint.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request

from sevenfold.store.accounts import ROLE_RANK, Role, case_role
from sevenfold.web.auth import Principal, current_principal
from sevenfold.workspace import Viewer


@dataclass(frozen=True)
class CaseContext:
    case_id: str
    principal: Principal
    role: Role

    @property
    def user(self):  # type: ignore[no-untyped-def]
        return self.principal.user

    @property
    def who(self) -> str:
        """The actor written to the audit log."""
        return self.principal.actor

    def can(self, role: Role) -> bool:
        return ROLE_RANK[self.role] >= ROLE_RANK[role]

    @property
    def viewer(self) -> Viewer:
        """The user and their role on the case, for what blind rating lets them see (the library's rule)."""
        return Viewer(self.user.name, self.role)


def case_access(min_role: Role):  # type: ignore[no-untyped-def]
    async def dependency(request: Request,
                         case_id: Annotated[str, Path(min_length=1, max_length=200)],
                         principal: Annotated[Principal, Depends(current_principal)]) -> CaseContext:
        role = case_role(request.app.state.store, principal.user, case_id)  # the rule: store.accounts
        if role is None:
            raise HTTPException(status_code=404, detail=f"no case {case_id!r} (or it is not shared with you)")
        if ROLE_RANK[role] < ROLE_RANK[min_role]:
            raise HTTPException(status_code=403, detail=f"you are a {role} of case {case_id!r}; "
                                                        f"this needs {min_role}")
        return CaseContext(case_id, principal, role)

    dependency.min_role = min_role  # type: ignore[attr-defined]  # read by the route-coverage test
    return dependency


Reader = Annotated[CaseContext, Depends(case_access("reader"))]
Analyst = Annotated[CaseContext, Depends(case_access("analyst"))]
Owner = Annotated[CaseContext, Depends(case_access("owner"))]
