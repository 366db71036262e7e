import { UserStatusBody } from "@/protocol/rest";
import { deleteUserByAdmin, setUserDisabledByAdmin, setUserSiteAdmin } from "@/server/admin/users";
import { apiRoute, idParam, json, parseBody } from "@/server/http/route";

export const PATCH = apiRoute<{ user: string }>(async ({ req, params, runtime, actor }) => {
  const userId = idParam(params.user, "user");
  const body = await parseBody(req, UserStatusBody);
  let result: { id: string; username: string; disabled?: boolean; site_admin?: boolean } | undefined;
  // Revoke before disabling and enable before granting: each step keeps the rules' preconditions.
  if (body.site_admin === false) result = { ...result, ...(await setUserSiteAdmin(runtime, actor, { userId, siteAdmin: false })) };
  if (body.disabled !== undefined) result = { ...result, ...(await setUserDisabledByAdmin(runtime, actor, { userId, disabled: body.disabled })) };
  if (body.site_admin === true) result = { ...result, ...(await setUserSiteAdmin(runtime, actor, { userId, siteAdmin: true })) };
  return json(result);
});

export const DELETE = apiRoute<{ user: string }>(async ({ params, runtime, actor }) => json(await deleteUserByAdmin(runtime, actor, { userId: idParam(params.user, "user") })));
