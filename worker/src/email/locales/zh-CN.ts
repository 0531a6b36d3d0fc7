/** 简体中文邮件（称“您”，按中国大陆服务通知邮件的惯用写法）。 */
import type { MailCatalogue } from "../catalogue";

export const zhCN: MailCatalogue = {
  signature: "— Cargo VPN",
  devices: { other: "{count} 台设备" },
  verify: {
    subject: "请验证您的 Cargo VPN 电子邮箱地址",
    paragraphs: [
      "请打开以下链接，确认此邮箱地址属于您的 Cargo VPN 账户：",
      "{link}",
      "该链接仅可使用一次，24 小时内有效。如果这不是您本人的操作，请忽略此邮件。",
    ],
  },
  reset: {
    subject: "重置您的 Cargo VPN 密码",
    paragraphs: [
      "我们收到了重置与此邮箱关联的 Cargo VPN 账户密码的请求。如果是您本人操作，请打开以下链接设置新密码：",
      "{link}",
      "该链接仅可使用一次，1 小时内有效。重置后，所有设备都将退出登录。如果这不是您本人的操作，请忽略此邮件，您的账户不会有任何变化。",
    ],
  },
  deletion: {
    subject: "确认删除您的 Cargo VPN 账户",
    paragraphs: [
      "我们收到了删除与此邮箱关联的 Cargo VPN 账户及其全部相关数据的请求。如果是您本人操作，请打开以下链接进行确认：",
      "{link}",
      "在您于该页面确认之前，不会删除任何内容。该链接仅可使用一次，1 小时内有效。如果这不是您本人的操作，请忽略此邮件。",
    ],
  },
  newDevice: {
    subject: "Cargo VPN 账户新设备登录提醒",
    paragraphs: [
      "有一台设备登录了您的 Cargo VPN 账户：\n\n设备：{device}（{kind}）\n时间：{time}",
      "设备名称是该设备自行报告的名称。Cargo VPN 绝不会在其中放入链接或操作说明。",
      "如果是您本人操作，无需进行任何处理。如果不是，请更改密码，并在 Cargo VPN 弹出窗口（工具栏上的按钮）的“设备”中移除该设备。",
      "您可以在 Cargo VPN 弹出窗口的“账户”中关闭此类邮件：“有新设备登录时发邮件通知我”。",
    ],
  },
  passwordChanged: {
    subject: "您的 Cargo VPN 密码已更改",
    paragraphs: [
      "您的 Cargo VPN 账户密码已于 {time} 更改，其他设备均已退出登录。",
      "如果这不是您本人的操作，请立即重置密码：在 Cargo VPN 弹出窗口的登录界面点击“忘记密码？”，我们会将链接发送到此邮箱。",
    ],
  },
  emailChanged: {
    subject: "您的 Cargo VPN 账户邮箱地址已更改",
    paragraphs: [
      "您的 Cargo VPN 账户邮箱地址已于 {time} 更改：新地址已确认此更改。今后的邮件将发送到新地址。",
      "如果这不是您本人的操作，请打开我们此前就此更改发送的邮件中的链接：在提出更改后的 3 天内，该链接可撤销此更改，并让所有设备退出登录。",
    ],
  },
  emailChangeRequested: {
    subject: "您的 Cargo VPN 账户邮箱地址即将更改",
    paragraphs: [
      "{time}，一位已登录您 Cargo VPN 账户的用户申请将账户改用新的邮箱地址。在新地址确认之前，不会有任何变化，邮件仍会发送到此邮箱。",
      "如果这不是您本人的操作，请打开以下链接。它会取消此更改（如果新地址已经确认，则会撤销更改），并让所有设备退出登录：",
      "{link}",
      "该链接仅可使用一次，3 天内有效。之后请更改密码（在登录界面点击“忘记密码？”，我们会将链接发送到此邮箱）。",
    ],
  },
  emailChangeUndone: {
    subject: "您的 Cargo VPN 账户邮箱更改已撤销",
    paragraphs: [
      "{time}，已通过我们发送到此邮箱的链接撤销您 Cargo VPN 账户的邮箱地址更改，所有设备均已退出登录。今后的邮件将重新发送到此邮箱。",
      "请立即设置新密码：在登录界面点击“忘记密码？”，我们会将链接发送到此邮箱。",
    ],
  },
  accountDeleted: {
    subject: "您的 Cargo VPN 账户已删除",
    paragraphs: [
      "您的 Cargo VPN 账户及其全部存储数据已于 {time} 删除。账户的加密密钥已销毁，任何副本都无法再被读取。",
      "这是您将从我们这里收到的最后一封邮件。感谢您使用 Cargo VPN。",
    ],
  },
  planChanged: {
    subject: "您的 Cargo VPN 套餐已变更为 {plan}",
    paragraphs: [
      "您的 Cargo VPN 账户现已使用 {plan} 套餐：最多可同时使用 {devices}。",
      "{stay}如果您没有预料到此变更，请在 Cargo VPN 弹出窗口的“账户”中查看您的订阅。",
    ],
  },
  planStay: "已登录的设备将保持登录。",
  planStayUntil:
    "已登录的设备将保持登录至 {until}。届时，最近使用的 {devices}将保留名额，其他设备将退出登录。如果您想自行选择保留哪些设备，请在此之前在 Cargo VPN 弹出窗口的“设备”中移除设备。",
  twoFactorEnabled: {
    subject: "您的 Cargo VPN 账户已开启两步验证",
    paragraphs: [
      "您的 Cargo VPN 账户已于 {time} 开启两步验证。今后登录时，除密码外还需要输入身份验证器应用中的验证码（或使用一个恢复码）。",
      "请妥善保管您的恢复码：如果丢失了身份验证器应用，每个恢复码可用于登录一次。",
      "如果这不是您本人的操作，请立即重置密码：在 Cargo VPN 弹出窗口的登录界面点击“忘记密码？”，我们会将链接发送到此邮箱。",
    ],
  },
  twoFactorDisabled: {
    subject: "您的 Cargo VPN 账户已关闭两步验证",
    paragraphs: [
      "您的 Cargo VPN 账户已于 {time} 关闭两步验证。现在仅凭密码即可登录，您的恢复码也已失效。",
      "如果这不是您本人的操作，请立即重置密码（在 Cargo VPN 弹出窗口的登录界面点击“忘记密码？”），并重新开启两步验证。",
    ],
  },
  recoveryCodeUsed: {
    subject: "您的 Cargo VPN 账户使用了恢复码登录",
    paragraphs: [
      "有人使用恢复码代替身份验证器应用中的验证码，登录了您的 Cargo VPN 账户：\n\n设备：{device}（{kind}）\n时间：{time}\n剩余恢复码：{codesLeft} 个",
      "该恢复码已失效，无法再次使用。如果这不是您本人的操作，请更改密码，并在 Cargo VPN 弹出窗口的“账户”中重新生成恢复码。",
    ],
  },
  passkeyAdded: {
    subject: "您的 Cargo VPN 账户已添加通行密钥",
    paragraphs: [
      "您的 Cargo VPN 账户已于 {time} 注册了一个通行密钥。今后可使用它代替验证码完成登录。",
      "如果这不是您本人的操作，请在 Cargo VPN 弹出窗口的“账户”中移除该通行密钥，并立即更改密码。",
    ],
  },
  passkeyRemoved: {
    subject: "您的 Cargo VPN 账户已移除通行密钥",
    paragraphs: [
      "您的 Cargo VPN 账户已于 {time} 移除了一个通行密钥；该通行密钥已无法再用于登录。",
      "如果这不是您本人的操作，请立即更改密码。",
    ],
  },
};
