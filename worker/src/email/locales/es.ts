/** Los correos en español (tuteo, como la extensión). */
import type { MailCatalogue } from "../catalogue";

export const es: MailCatalogue = {
  signature: "— Cargo VPN",
  devices: { one: "{count} dispositivo", many: "{count} de dispositivos", other: "{count} dispositivos" },
  verify: {
    subject: "Confirma tu dirección de correo para Cargo VPN",
    paragraphs: [
      "Abre este enlace para confirmar que esta dirección pertenece a tu cuenta de Cargo VPN:",
      "{link}",
      "El enlace funciona una sola vez y caduca en 24 horas. Si no lo has pedido tú, ignora este mensaje.",
    ],
  },
  reset: {
    subject: "Elige una nueva contraseña de Cargo VPN",
    paragraphs: [
      "Alguien (esperamos que tú) ha pedido restablecer la contraseña de la cuenta de Cargo VPN con esta dirección. Abre este enlace para elegir una nueva:",
      "{link}",
      "El enlace funciona una sola vez y caduca en 1 hora. Se cerrará la sesión en todos los dispositivos. Si no lo has pedido tú, ignora este mensaje: no cambiará nada.",
    ],
  },
  deletion: {
    subject: "Confirma la eliminación de tu cuenta de Cargo VPN",
    paragraphs: [
      "Alguien (esperamos que tú) ha pedido eliminar la cuenta de Cargo VPN con esta dirección y todos sus datos. Abre este enlace para confirmarlo:",
      "{link}",
      "No se elimina nada hasta que lo confirmes en esa página. El enlace funciona una sola vez y caduca en 1 hora. Si no lo has pedido tú, ignora este mensaje.",
    ],
  },
  newDevice: {
    subject: "Nuevo inicio de sesión en tu cuenta de Cargo VPN",
    paragraphs: [
      "Un dispositivo ha iniciado sesión en tu cuenta de Cargo VPN:\n\nDispositivo: {device} ({kind})\nHora: {time}",
      "El nombre del dispositivo es el que el propio dispositivo se ha dado. Cargo VPN nunca pone enlaces ni instrucciones en él.",
      "Si has sido tú, no tienes que hacer nada. Si no, cambia tu contraseña y quita el dispositivo en «Dispositivos», en la ventana de Cargo VPN (el botón de la barra de herramientas).",
      "Puedes desactivar estos mensajes en «Cuenta», en la ventana de Cargo VPN: «Avisarme por correo cuando inicie sesión un dispositivo nuevo».",
    ],
  },
  passwordChanged: {
    subject: "Se ha cambiado tu contraseña de Cargo VPN",
    paragraphs: [
      "La contraseña de tu cuenta de Cargo VPN se cambió el {time} y se cerró la sesión en los demás dispositivos.",
      "Si no has sido tú, restablece tu contraseña enseguida: «¿Olvidaste la contraseña?», en la pantalla de inicio de sesión de la ventana de Cargo VPN, te envía un enlace a esta dirección.",
    ],
  },
  emailChanged: {
    subject: "Se ha cambiado la dirección de correo de tu cuenta de Cargo VPN",
    paragraphs: [
      "La dirección de correo de tu cuenta de Cargo VPN se cambió el {time}: la nueva dirección lo confirmó. A partir de ahora los mensajes van allí.",
      "Si no has sido tú, abre el enlace de nuestro mensaje anterior sobre este cambio: durante los 3 días siguientes a la solicitud, deshace el cambio y cierra la sesión en todos los dispositivos.",
    ],
  },
  emailChangeRequested: {
    subject: "La dirección de correo de tu cuenta de Cargo VPN está a punto de cambiar",
    paragraphs: [
      "El {time}, alguien con la sesión iniciada en tu cuenta de Cargo VPN pidió pasarla a una nueva dirección de correo. No cambia nada hasta que la nueva dirección lo confirme; mientras tanto, los mensajes siguen llegando aquí.",
      "Si no has sido tú, abre este enlace. Cancela el cambio (o lo deshace si la nueva dirección ya lo confirmó) y cierra la sesión en todos los dispositivos:",
      "{link}",
      "El enlace funciona una sola vez y durante 3 días. Después, cambia tu contraseña («¿Olvidaste la contraseña?», en la pantalla de inicio de sesión, te envía un enlace a esta dirección).",
    ],
  },
  emailChangeUndone: {
    subject: "Se ha deshecho el cambio de correo de tu cuenta de Cargo VPN",
    paragraphs: [
      "El {time} se deshizo el cambio de la dirección de correo de tu cuenta de Cargo VPN con el enlace que enviamos aquí, y se cerró la sesión en todos los dispositivos. Los mensajes vuelven a llegar a esta dirección.",
      "Elige ahora una contraseña nueva: «¿Olvidaste la contraseña?», en la pantalla de inicio de sesión, te envía un enlace a esta dirección.",
    ],
  },
  accountDeleted: {
    subject: "Se ha eliminado tu cuenta de Cargo VPN",
    paragraphs: [
      "Tu cuenta de Cargo VPN y todo lo que guardábamos de ella se eliminaron el {time}. Su clave de cifrado se destruyó, así que ninguna copia puede leerse.",
      "Este es el último mensaje que recibirás de nosotros. Gracias por usar Cargo VPN.",
    ],
  },
  planChanged: {
    subject: "Tu plan de Cargo VPN ahora es {plan}",
    paragraphs: [
      "Tu cuenta de Cargo VPN tiene ahora el plan {plan}: hasta {devices} a la vez.",
      "{stay} Si no esperabas este cambio, revisa tu suscripción en «Cuenta», en la ventana de Cargo VPN.",
    ],
  },
  planStay: "Los dispositivos que ya tienen la sesión iniciada la mantienen.",
  planStayUntil:
    "Los dispositivos que ya tienen la sesión iniciada la mantienen hasta el {until}. Después, los {devices} usados más recientemente conservan su plaza y en los demás se cierra la sesión. Si quieres elegir cuáles se quedan, quita dispositivos en «Dispositivos», en la ventana de Cargo VPN, antes de esa fecha.",
  twoFactorEnabled: {
    subject: "El inicio de sesión en dos pasos está activado en tu cuenta de Cargo VPN",
    paragraphs: [
      "El inicio de sesión en dos pasos se activó en tu cuenta de Cargo VPN el {time}. A partir de ahora, para iniciar sesión necesitas tu contraseña y un código de tu aplicación de autenticación (o uno de tus códigos de recuperación).",
      "Guarda tus códigos de recuperación en un lugar seguro: si pierdes la aplicación, cada uno sirve para iniciar sesión una vez.",
      "Si no has sido tú, restablece tu contraseña enseguida: «¿Olvidaste la contraseña?», en la pantalla de inicio de sesión de la ventana de Cargo VPN, te envía un enlace a esta dirección.",
    ],
  },
  twoFactorDisabled: {
    subject: "El inicio de sesión en dos pasos está desactivado en tu cuenta de Cargo VPN",
    paragraphs: [
      "El inicio de sesión en dos pasos se desactivó en tu cuenta de Cargo VPN el {time}. Ahora basta con tu contraseña para iniciar sesión, y tus códigos de recuperación ya no sirven.",
      "Si no has sido tú, restablece tu contraseña enseguida («¿Olvidaste la contraseña?», en la pantalla de inicio de sesión de la ventana de Cargo VPN) y vuelve a activar el inicio de sesión en dos pasos.",
    ],
  },
  recoveryCodeUsed: {
    subject: "Se ha usado un código de recuperación para entrar en tu cuenta de Cargo VPN",
    paragraphs: [
      "Se usó un código de recuperación en lugar de un código de la aplicación de autenticación para iniciar sesión en tu cuenta de Cargo VPN:\n\nDispositivo: {device} ({kind})\nHora: {time}\nCódigos de recuperación restantes: {codesLeft}",
      "Ese código no volverá a funcionar. Si no has sido tú, cambia tu contraseña y renueva tus códigos de recuperación en «Cuenta», en la ventana de Cargo VPN.",
    ],
  },
  passkeyAdded: {
    subject: "Se ha añadido una llave de acceso a tu cuenta de Cargo VPN",
    paragraphs: [
      "Se registró una llave de acceso para tu cuenta de Cargo VPN el {time}. Desde ahora puede completar un inicio de sesión en lugar de un código.",
      "Si no has sido tú, quítala en «Cuenta», en la ventana de Cargo VPN, y cambia tu contraseña enseguida.",
    ],
  },
  passkeyRemoved: {
    subject: "Se ha quitado una llave de acceso de tu cuenta de Cargo VPN",
    paragraphs: [
      "Se quitó una llave de acceso de tu cuenta de Cargo VPN el {time}; ya no sirve para iniciar sesión.",
      "Si no has sido tú, cambia tu contraseña enseguida.",
    ],
  },
};
