/** As páginas da conta em português do Brasil (tratamento por “você”, como os e-mails e a extensão; “chave de acesso”, “entrar”, “dispositivo”). */
import type { PageCatalogue } from "../page-catalogue";

export const ptBR: PageCatalogue = {
  needsScript: "Esta página precisa de JavaScript para confirmar: ela só executa o script do próprio site.",
  verifyEmail: {
    title: "Confirme seu endereço de e-mail",
    intro: "Confirme que este endereço de e-mail pertence à sua conta do Cargo VPN.",
    submit: "Confirmar meu endereço de e-mail",
  },
  resetPassword: {
    title: "Escolha uma nova senha",
    intro: "Sua senha é transformada em chaves neste dispositivo; ela nunca é enviada para nós. Todos os dispositivos serão desconectados.",
    username: "Seu nome de usuário",
    usernameHint:
      "O nome com que você entra. Só os seus dispositivos conseguem lê-lo, por isso pedimos que você o digite para protegê-lo de novo com a nova senha.",
    newPassword: "Nova senha",
    passwordHint: {
      one: "Pelo menos {count} caractere. Uma frase longa é o ideal.",
      many: "Pelo menos {count} de caracteres. Uma frase longa é o ideal.",
      other: "Pelo menos {count} caracteres. Uma frase longa é o ideal.",
    },
    repeatPassword: "Repita a nova senha",
    submit: "Salvar a nova senha",
  },
  undoEmailChange: {
    title: "Desfazer a troca de e-mail",
    intro:
      "Isso cancela a troca do endereço de e-mail da sua conta do Cargo VPN, ou volta para este endereço se a troca já tiver acontecido, e desconecta todos os dispositivos. Depois, escolha uma nova senha: “Esqueceu a senha?”, na tela de login do pop-up do Cargo VPN, envia um link para este endereço.",
    submit: "Desfazer a troca e desconectar todos",
  },
  deleteAccount: {
    title: "Excluir sua conta",
    intro:
      "Isso exclui sua conta do Cargo VPN e tudo o que está guardado sobre ela: dispositivos, histórico de uso, configurações. Não dá para desfazer.",
    understood: "Entendo que minha conta e os dados dela serão excluídos para sempre.",
    submit: "Excluir minha conta",
  },
  passkeys: {
    title: "Adicionar uma chave de acesso",
    intro: "Uma chave de acesso neste dispositivo (ou uma chave de segurança) poderá então concluir o login no Cargo VPN depois da senha.",
    label: "Nome desta chave de acesso (opcional)",
    submit: "Criar uma chave de acesso",
  },
  passkeySignIn: {
    title: "Entre com sua chave de acesso",
    intro: "Sua senha estava certa. Use sua chave de acesso para terminar; a extensão conclui o login.",
    submit: "Usar minha chave de acesso",
  },
  script: {
    needsLink: "Esta página precisa do link completo do e-mail. Abra o link de novo ou copie-o inteiro para a barra de endereços.",
    needsExtension: "Abra esta página pela extensão: o link que ela abre traz o que esta etapa precisa.",
    confirming: "Confirmando…",
    emailConfirmed: "Seu endereço de e-mail está confirmado. Você já pode fechar esta página.",
    usernameInvalid: "Digite o nome de usuário com que você entra.",
    passwordTooShort: {
      one: "Escolha uma senha com pelo menos {count} caractere.",
      many: "Escolha uma senha com pelo menos {count} de caracteres.",
      other: "Escolha uma senha com pelo menos {count} caracteres.",
    },
    passwordsDiffer: "As duas senhas são diferentes. Digite a mesma senha duas vezes.",
    deriving: "Gerando suas chaves neste dispositivo (alguns segundos)…",
    passwordChanged: "Sua senha foi alterada e todos os dispositivos foram desconectados. Entre de novo com a nova senha.",
    tickTheBox: "Marque a caixa para confirmar que você entende que isso não pode ser desfeito.",
    deleting: "Excluindo…",
    deleted: "Sua conta e todos os dados dela foram excluídos. Uma última mensagem vai confirmar isso.",
    undoing: "Desfazendo a troca…",
    undone:
      "A troca de e-mail foi desfeita e todos os dispositivos foram desconectados. Escolha uma nova senha agora: “Esqueceu a senha?”, na tela de login do pop-up do Cargo VPN, envia um link para este endereço.",
    passkeyCreating: "Siga as instruções do navegador para criar uma chave de acesso…",
    passkeyRegistered: "Sua chave de acesso está registrada. Ao entrar, ela será pedida depois da senha. Você já pode fechar esta página.",
    passkeyUsing: "Siga as instruções do navegador para usar sua chave de acesso…",
    passkeySignedIn: "Pronto: a extensão está concluindo seu login. Você já pode fechar esta página.",
    passkeyCancelled: "O navegador não criou nem usou uma chave de acesso (foi cancelado ou não está disponível). Tente de novo.",
    invalidToken: "Este link não é mais válido: ele já foi usado, expirou ou foi copiado pela metade. Peça um novo.",
    usernameMismatch: "Esse não é o nome de usuário desta conta. Digite o nome com que você entra.",
    rateLimited: "Tentativas demais. Espere um pouco e tente de novo.",
    rateLimitedWait: "Tentativas demais. Tente de novo {wait}.",
    busyWait: "O serviço Cargo VPN está sobrecarregado. Tente de novo {wait}.",
    tryAgainNow: "Você já pode tentar de novo.",
    network: "Não foi possível acessar o servidor. Verifique sua conexão e tente de novo.",
    validation: "Alguns dados não são válidos. Confira e tente de novo.",
    unknown: "Algo deu errado. Tente de novo mais tarde.",
    invalidTicket: "Este link de chave de acesso expirou ou já foi usado. Abra-o de novo pela extensão.",
    invalidChallenge: "Esta etapa expirou ou já foi usada. Comece de novo pela extensão.",
    invalidPasskey: "A chave de acesso não foi aceita. Tente de novo ou use outra chave de acesso.",
    passkeyLimit: {
      one: "Uma conta pode ter no máximo {count} chave de acesso. Remova uma antes em “Conta”, no pop-up do Cargo VPN.",
      many: "Uma conta pode ter no máximo {count} de chaves de acesso. Remova uma antes em “Conta”, no pop-up do Cargo VPN.",
      other: "Uma conta pode ter no máximo {count} chaves de acesso. Remova uma antes em “Conta”, no pop-up do Cargo VPN.",
    },
  },
};
