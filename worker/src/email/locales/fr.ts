/** Les e-mails en français (vouvoiement, espaces insécables avant « ; : ? »). */
import type { MailCatalogue } from "../catalogue";

export const fr: MailCatalogue = {
  signature: "— Cargo VPN",
  devices: { one: "{count} appareil", many: "{count} d’appareils", other: "{count} appareils" },
  verify: {
    subject: "Confirmez votre adresse e-mail pour Cargo VPN",
    paragraphs: [
      "Ouvrez ce lien pour confirmer que cette adresse appartient à votre compte Cargo VPN\u00a0:",
      "{link}",
      "Le lien ne sert qu’une fois et expire dans 24\u00a0heures. Si vous n’avez rien demandé, ignorez ce message.",
    ],
  },
  reset: {
    subject: "Choisissez un nouveau mot de passe Cargo VPN",
    paragraphs: [
      "Quelqu’un (vous, espérons-le) a demandé à réinitialiser le mot de passe du compte Cargo VPN associé à cette adresse. Ouvrez ce lien pour en choisir un nouveau\u00a0:",
      "{link}",
      "Le lien ne sert qu’une fois et expire dans 1\u00a0heure. Tous les appareils seront déconnectés. Si vous n’avez rien demandé, ignorez ce message\u00a0: rien ne change.",
    ],
  },
  deletion: {
    subject: "Confirmez la suppression de votre compte Cargo VPN",
    paragraphs: [
      "Quelqu’un (vous, espérons-le) a demandé à supprimer le compte Cargo VPN associé à cette adresse ainsi que toutes ses données. Ouvrez ce lien pour confirmer\u00a0:",
      "{link}",
      "Rien n’est supprimé tant que vous n’avez pas confirmé sur cette page. Le lien ne sert qu’une fois et expire dans 1\u00a0heure. Si vous n’avez rien demandé, ignorez ce message.",
    ],
  },
  newDevice: {
    subject: "Nouvelle connexion à votre compte Cargo VPN",
    paragraphs: [
      "Un appareil s’est connecté à votre compte Cargo VPN\u00a0:\n\nAppareil\u00a0: {device} ({kind})\nDate\u00a0: {time}",
      "Le nom de l’appareil est celui qu’il s’est donné lui-même. Cargo VPN n’y met jamais de lien ni d’instruction.",
      "Si c’était vous, vous n’avez rien à faire. Sinon, changez votre mot de passe et retirez l’appareil dans «\u00a0Appareils\u00a0» de la fenêtre Cargo VPN (le bouton de la barre d’outils).",
      "Vous pouvez désactiver ces messages dans «\u00a0Compte\u00a0» de la fenêtre Cargo VPN\u00a0: «\u00a0M’avertir par e-mail quand un nouvel appareil se connecte\u00a0».",
    ],
  },
  passwordChanged: {
    subject: "Votre mot de passe Cargo VPN a été modifié",
    paragraphs: [
      "Le mot de passe de votre compte Cargo VPN a été modifié le {time}, et les autres appareils ont été déconnectés.",
      "Si ce n’était pas vous, réinitialisez votre mot de passe sans attendre\u00a0: «\u00a0Mot de passe oublié\u00a0?\u00a0», sur l’écran de connexion de la fenêtre Cargo VPN, vous envoie un lien à cette adresse.",
    ],
  },
  emailChanged: {
    subject: "L’adresse e-mail de votre compte Cargo VPN a été modifiée",
    paragraphs: [
      "L’adresse e-mail de votre compte Cargo VPN a été modifiée le {time}\u00a0: la nouvelle adresse l’a confirmée. Les messages y sont désormais envoyés.",
      "Si ce n’était pas vous, ouvrez le lien de notre message précédent sur ce changement\u00a0: pendant les 3\u00a0jours qui suivent la demande, il annule le changement et déconnecte tous les appareils.",
    ],
  },
  emailChangeRequested: {
    subject: "L’adresse e-mail de votre compte Cargo VPN va changer",
    paragraphs: [
      "Le {time}, une personne connectée à votre compte Cargo VPN a demandé à le rattacher à une nouvelle adresse e-mail. Rien ne change tant que la nouvelle adresse ne l’a pas confirmé\u00a0; d’ici là, les messages arrivent toujours ici.",
      "Si ce n’était pas vous, ouvrez ce lien. Il annule le changement (ou revient en arrière si la nouvelle adresse l’a déjà confirmé) et déconnecte tous les appareils\u00a0:",
      "{link}",
      "Le lien ne sert qu’une fois, pendant 3\u00a0jours. Changez ensuite votre mot de passe («\u00a0Mot de passe oublié\u00a0?\u00a0» sur l’écran de connexion vous envoie un lien à cette adresse).",
    ],
  },
  emailChangeUndone: {
    subject: "Le changement d’adresse e-mail de votre compte Cargo VPN a été annulé",
    paragraphs: [
      "Le {time}, le changement d’adresse e-mail de votre compte Cargo VPN a été annulé grâce au lien que nous avions envoyé ici, et tous les appareils ont été déconnectés. Les messages arrivent de nouveau à cette adresse.",
      "Choisissez maintenant un nouveau mot de passe\u00a0: «\u00a0Mot de passe oublié\u00a0?\u00a0» sur l’écran de connexion vous envoie un lien à cette adresse.",
    ],
  },
  accountDeleted: {
    subject: "Votre compte Cargo VPN a été supprimé",
    paragraphs: [
      "Votre compte Cargo VPN et tout ce qui était enregistré à son sujet ont été supprimés le {time}. Sa clé de chiffrement a été détruite\u00a0: aucune copie ne peut plus être lue.",
      "Ceci est le dernier message que vous recevrez de notre part. Merci d’avoir utilisé Cargo VPN.",
    ],
  },
  planChanged: {
    subject: "Votre formule Cargo VPN est désormais {plan}",
    paragraphs: [
      "Votre compte Cargo VPN est passé à la formule {plan}\u00a0: jusqu’à {devices} à la fois.",
      "{stay} Si vous ne vous attendiez pas à ce changement, vérifiez votre abonnement dans «\u00a0Compte\u00a0» de la fenêtre Cargo VPN.",
    ],
  },
  planStay: "Les appareils déjà connectés le restent.",
  planStayUntil:
    "Les appareils déjà connectés le restent jusqu’au {until}. Ensuite, les {devices} utilisés le plus récemment gardent leur place et les autres sont déconnectés. Pour choisir vous-même ceux qui restent, retirez des appareils dans «\u00a0Appareils\u00a0» de la fenêtre Cargo VPN avant cette date.",
  twoFactorEnabled: {
    subject: "La connexion en deux étapes est activée sur votre compte Cargo VPN",
    paragraphs: [
      "La connexion en deux étapes a été activée sur votre compte Cargo VPN le {time}. Désormais, pour vous connecter, il faut votre mot de passe et un code de votre application d’authentification (ou l’un de vos codes de récupération).",
      "Conservez vos codes de récupération en lieu sûr\u00a0: si vous perdez l’application, chacun permet de se connecter une fois.",
      "Si ce n’était pas vous, réinitialisez votre mot de passe sans attendre\u00a0: «\u00a0Mot de passe oublié\u00a0?\u00a0», sur l’écran de connexion de la fenêtre Cargo VPN, vous envoie un lien à cette adresse.",
    ],
  },
  twoFactorDisabled: {
    subject: "La connexion en deux étapes est désactivée sur votre compte Cargo VPN",
    paragraphs: [
      "La connexion en deux étapes a été désactivée sur votre compte Cargo VPN le {time}. Votre mot de passe suffit désormais pour vous connecter, et vos codes de récupération ne fonctionnent plus.",
      "Si ce n’était pas vous, réinitialisez votre mot de passe sans attendre («\u00a0Mot de passe oublié\u00a0?\u00a0» sur l’écran de connexion de la fenêtre Cargo VPN) et réactivez la connexion en deux étapes.",
    ],
  },
  recoveryCodeUsed: {
    subject: "Un code de récupération a servi à vous connecter à votre compte Cargo VPN",
    paragraphs: [
      "Un code de récupération a été utilisé à la place d’un code de l’application d’authentification pour se connecter à votre compte Cargo VPN\u00a0:\n\nAppareil\u00a0: {device} ({kind})\nDate\u00a0: {time}\nCodes de récupération restants\u00a0: {codesLeft}",
      "Ce code ne fonctionnera plus. Si ce n’était pas vous, changez votre mot de passe et remplacez vos codes de récupération dans «\u00a0Compte\u00a0» de la fenêtre Cargo VPN.",
    ],
  },
  passkeyAdded: {
    subject: "Une clé d’accès a été ajoutée à votre compte Cargo VPN",
    paragraphs: [
      "Une clé d’accès a été enregistrée pour votre compte Cargo VPN le {time}. Elle peut désormais terminer une connexion à la place d’un code.",
      "Si ce n’était pas vous, retirez-la dans «\u00a0Compte\u00a0» de la fenêtre Cargo VPN et changez votre mot de passe sans attendre.",
    ],
  },
  passkeyRemoved: {
    subject: "Une clé d’accès a été retirée de votre compte Cargo VPN",
    paragraphs: [
      "Une clé d’accès a été retirée de votre compte Cargo VPN le {time}\u00a0; elle ne permet plus de se connecter.",
      "Si ce n’était pas vous, changez votre mot de passe sans attendre.",
    ],
  },
};
