/** Os e-mails em português do Brasil (tratamento por “você”, como a extensão). */
import type { MailCatalogue } from "../catalogue";

export const ptBR: MailCatalogue = {
  signature: "— Cargo VPN",
  devices: { one: "{count} dispositivo", many: "{count} de dispositivos", other: "{count} dispositivos" },
  verify: {
    subject: "Confirme seu endereço de e-mail no Cargo VPN",
    paragraphs: [
      "Abra este link para confirmar que este endereço pertence à sua conta do Cargo VPN:",
      "{link}",
      "O link funciona uma única vez e expira em 24 horas. Se você não fez esse pedido, ignore esta mensagem.",
    ],
  },
  reset: {
    subject: "Escolha uma nova senha do Cargo VPN",
    paragraphs: [
      "Alguém (esperamos que você) pediu para redefinir a senha da conta do Cargo VPN com este endereço. Abra este link para escolher uma nova:",
      "{link}",
      "O link funciona uma única vez e expira em 1 hora. Todos os dispositivos serão desconectados. Se você não fez esse pedido, ignore esta mensagem: nada muda.",
    ],
  },
  deletion: {
    subject: "Confirme a exclusão da sua conta do Cargo VPN",
    paragraphs: [
      "Alguém (esperamos que você) pediu para excluir a conta do Cargo VPN com este endereço e todos os dados sobre ela. Abra este link para confirmar:",
      "{link}",
      "Nada é excluído até você confirmar nessa página. O link funciona uma única vez e expira em 1 hora. Se você não fez esse pedido, ignore esta mensagem.",
    ],
  },
  newDevice: {
    subject: "Novo login na sua conta do Cargo VPN",
    paragraphs: [
      "Um dispositivo entrou na sua conta do Cargo VPN:\n\nDispositivo: {device} ({kind})\nData e hora: {time}",
      "O nome do dispositivo é o que o próprio dispositivo informou. O Cargo VPN nunca coloca links nem instruções nele.",
      "Se foi você, não precisa fazer nada. Se não foi, altere sua senha e remova o dispositivo em “Dispositivos” no pop-up do Cargo VPN (o botão na barra de ferramentas).",
      "Você pode desativar estas mensagens em “Conta” no pop-up do Cargo VPN: “Avisar por e-mail quando um novo dispositivo entrar”.",
    ],
  },
  passwordChanged: {
    subject: "Sua senha do Cargo VPN foi alterada",
    paragraphs: [
      "A senha da sua conta do Cargo VPN foi alterada em {time}, e os outros dispositivos foram desconectados.",
      "Se não foi você, redefina sua senha agora mesmo: “Esqueceu a senha?”, na tela de login do pop-up do Cargo VPN, envia um link para este endereço.",
    ],
  },
  emailChanged: {
    subject: "O e-mail da sua conta do Cargo VPN foi alterado",
    paragraphs: [
      "O endereço de e-mail da sua conta do Cargo VPN foi alterado em {time}: o novo endereço confirmou a alteração. As mensagens agora vão para lá.",
      "Se não foi você, abra o link da nossa mensagem anterior sobre essa alteração: por 3 dias após o pedido, ele desfaz a alteração e desconecta todos os dispositivos.",
    ],
  },
  emailChangeRequested: {
    subject: "O e-mail da sua conta do Cargo VPN está prestes a mudar",
    paragraphs: [
      "Em {time}, alguém conectado à sua conta do Cargo VPN pediu para transferi-la para um novo endereço de e-mail. Nada muda até o novo endereço confirmar; até lá, as mensagens continuam chegando aqui.",
      "Se não foi você, abra este link. Ele cancela a alteração (ou a desfaz, se o novo endereço já a confirmou) e desconecta todos os dispositivos:",
      "{link}",
      "O link funciona uma única vez, durante 3 dias. Depois, altere sua senha (“Esqueceu a senha?”, na tela de login, envia um link para este endereço).",
    ],
  },
  emailChangeUndone: {
    subject: "A alteração de e-mail da sua conta do Cargo VPN foi desfeita",
    paragraphs: [
      "Em {time}, a alteração do endereço de e-mail da sua conta do Cargo VPN foi desfeita com o link que enviamos para cá, e todos os dispositivos foram desconectados. As mensagens voltam a chegar a este endereço.",
      "Escolha uma nova senha agora: “Esqueceu a senha?”, na tela de login, envia um link para este endereço.",
    ],
  },
  accountDeleted: {
    subject: "Sua conta do Cargo VPN foi excluída",
    paragraphs: [
      "Sua conta do Cargo VPN e tudo o que estava armazenado sobre ela foram excluídos em {time}. A chave de criptografia da conta foi destruída, então nenhuma cópia pode ser lida.",
      "Esta é a última mensagem que você vai receber de nós. Obrigado por usar o Cargo VPN.",
    ],
  },
  planChanged: {
    subject: "Seu plano do Cargo VPN agora é {plan}",
    paragraphs: [
      "Sua conta do Cargo VPN agora está no plano {plan}: até {devices} ao mesmo tempo.",
      "{stay} Se você não esperava essa alteração, confira sua assinatura em “Conta” no pop-up do Cargo VPN.",
    ],
  },
  planStay: "Os dispositivos que já entraram continuam conectados.",
  planStayUntil:
    "Os dispositivos que já entraram continuam conectados até {until}. Depois disso, só os usados mais recentemente continuam conectados, até {devices}, e os demais são desconectados. Para escolher quais ficam, remova dispositivos em “Dispositivos” no pop-up do Cargo VPN antes dessa data.",
  twoFactorEnabled: {
    subject: "A verificação em duas etapas está ativada na sua conta do Cargo VPN",
    paragraphs: [
      "A verificação em duas etapas foi ativada na sua conta do Cargo VPN em {time}. A partir de agora, para entrar você precisa da sua senha e de um código do seu app autenticador (ou de um dos seus códigos de recuperação).",
      "Guarde seus códigos de recuperação em um lugar seguro: se você perder o app, cada um permite entrar uma vez.",
      "Se não foi você, redefina sua senha agora mesmo: “Esqueceu a senha?”, na tela de login do pop-up do Cargo VPN, envia um link para este endereço.",
    ],
  },
  twoFactorDisabled: {
    subject: "A verificação em duas etapas está desativada na sua conta do Cargo VPN",
    paragraphs: [
      "A verificação em duas etapas foi desativada na sua conta do Cargo VPN em {time}. Agora basta a senha para entrar, e seus códigos de recuperação não funcionam mais.",
      "Se não foi você, redefina sua senha agora mesmo (“Esqueceu a senha?”, na tela de login do pop-up do Cargo VPN) e ative de novo a verificação em duas etapas.",
    ],
  },
  recoveryCodeUsed: {
    subject: "Um código de recuperação foi usado para entrar na sua conta do Cargo VPN",
    paragraphs: [
      "Um código de recuperação foi usado no lugar de um código do app autenticador para entrar na sua conta do Cargo VPN:\n\nDispositivo: {device} ({kind})\nData e hora: {time}\nCódigos de recuperação restantes: {codesLeft}",
      "Esse código não vai funcionar de novo. Se não foi você, altere sua senha e substitua seus códigos de recuperação em “Conta” no pop-up do Cargo VPN.",
    ],
  },
  passkeyAdded: {
    subject: "Uma chave de acesso foi adicionada à sua conta do Cargo VPN",
    paragraphs: [
      "Uma chave de acesso foi registrada na sua conta do Cargo VPN em {time}. Agora ela pode concluir um login no lugar de um código.",
      "Se não foi você, remova-a em “Conta” no pop-up do Cargo VPN e altere sua senha agora mesmo.",
    ],
  },
  passkeyRemoved: {
    subject: "Uma chave de acesso foi removida da sua conta do Cargo VPN",
    paragraphs: [
      "Uma chave de acesso foi removida da sua conta do Cargo VPN em {time}; ela não permite mais entrar.",
      "Se não foi você, altere sua senha agora mesmo.",
    ],
  },
};
